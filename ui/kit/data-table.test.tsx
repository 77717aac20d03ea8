import { expect, test } from "bun:test";
import { DataTable, type Column } from "./data-table.tsx";

// The one table every page uses: what a person sees in it, on a desktop and on a phone.

interface Row {
  name: string;
  count: number;
}

const COLUMNS: Column<Row>[] = [
  { label: "Name", text: (r) => r.name },
  { label: "Count", num: true, text: (r) => String(r.count) },
  { label: "Link", cell: (r) => <a href={`/d/${r.count}`}>open</a> },
];

test("text from devices and owners is shown as text, never as markup", async () => {
  const html = await DataTable({ columns: COLUMNS, rows: [{ name: "<img src=x onerror=alert(1)>", count: 1 }] });
  expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
  expect(html).not.toContain("<img");
  expect(html).toContain('<a href="/d/1">open</a>');
});

test("on a phone each cell is labelled with its column, and numbers align right", async () => {
  const html = await DataTable({ columns: COLUMNS, rows: [{ name: "lab-pc", count: 3 }] });
  expect(html).toContain('<div class="table-scroll"><table class="stack-on-phone">');
  expect(html).toContain('<td data-label="Name">lab-pc</td>');
  expect(html).toContain('<td data-label="Count" class="num">3</td>');
  expect(html).toContain('<th scope="col" class="num">Count</th>');
});

test("a short table can stay a table on a phone; an empty one says so instead of drawing headings", async () => {
  const plain = await DataTable({ columns: COLUMNS, rows: [{ name: "a", count: 1 }], stack: false });
  expect(plain).toStartWith("<table>");
  expect(plain).not.toContain("data-label");
  expect(await DataTable({ columns: COLUMNS, rows: [], empty: "Nothing <yet>." })).toBe('<p class="muted">Nothing &lt;yet&gt;.</p>');
  expect(await DataTable({ columns: COLUMNS, rows: [] })).toContain("<thead>");
});
