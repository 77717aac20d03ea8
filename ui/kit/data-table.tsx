/**
 * Column is one column of a DataTable: its heading, and how a row fills its cell — text (escaped, whatever
 * it holds) or cell (markup the caller built, e.g. a link or a badge).
 */
export type Column<T> = {
  label: string;
  /** Numbers, aligned right. */
  num?: boolean;
  /** Another class on every cell of the column. */
  class?: string;
  /** Markup for the heading instead of the label (e.g. a "select all" box); the label still names the cells. */
  head?: () => JSX.Element;
} & ({ text: (row: T) => string } | { cell: (row: T) => JSX.Element });

export interface DataTableProps<T> {
  columns: readonly Column<T>[];
  rows: readonly T[];
  /**
   * On a phone each row becomes a block of "label: value" lines, and a wide table scrolls sideways in its
   * box on any screen; a short table of two columns can say false and stay a table.
   */
  stack?: boolean;
  /** Another class on the table, e.g. for column widths. */
  class?: string;
  /** Said instead of an empty table; without it an empty table is still drawn with its headings. */
  empty?: string;
  /** Names the table for screen readers when the heading above does not. */
  caption?: string;
}

function cellClass<T>(c: Column<T>): string | undefined {
  const names = [c.num ? "num" : "", c.class ?? ""].filter(Boolean).join(" ");
  return names || undefined;
}

/** DataTable is a table of rows under column headings; every page's tables are this one. */
export function DataTable<T>(p: DataTableProps<T>): JSX.Element {
  if (p.rows.length === 0 && p.empty !== undefined) {
    return (
      <p class="muted" safe>
        {p.empty}
      </p>
    );
  }
  const stack = p.stack ?? true;
  // Worked out once per column, not per cell: a list of a thousand devices has seven thousand cells.
  const classes = p.columns.map(cellClass);
  const labels = p.columns.map((c) => (stack ? c.label : undefined));
  const tableClass = [stack ? "stack-on-phone" : "", p.class ?? ""].filter(Boolean).join(" ") || undefined;
  const table = (
    <table class={tableClass}>
      {p.caption ? (
        <caption class="visually-hidden" safe>
          {p.caption}
        </caption>
      ) : (
        ""
      )}
      <thead>
        <tr>
          {p.columns.map((c, i) =>
            c.head ? (
              <th scope="col" class={classes[i]}>
                {c.head()}
              </th>
            ) : (
              <th scope="col" class={c.num ? "num" : undefined} safe>
                {c.label}
              </th>
            ),
          )}
        </tr>
      </thead>
      <tbody>
        {p.rows.map((row) => (
          <tr>
            {p.columns.map((c, i) =>
              "text" in c ? (
                <td data-label={labels[i]} class={classes[i]} safe>
                  {c.text(row)}
                </td>
              ) : (
                <td data-label={labels[i]} class={classes[i]}>
                  {c.cell(row)}
                </td>
              ),
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
  return stack ? <div class="table-scroll">{table}</div> : table;
}
