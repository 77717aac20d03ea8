import { sentence } from "./alert.tsx";

export interface InputFieldProps {
  name: string;
  label: string;
  /** Defaults to the name; must be unique on the page. */
  id?: string;
  type?: "text" | "number" | "url" | "time";
  value?: string | number | null;
  hint?: string | null;
  error?: string | null;
  required?: boolean;
  autofocus?: boolean;
  readonly?: boolean;
  placeholder?: string;
  autocomplete?: string;
  inputmode?: "text" | "numeric" | "url";
  spellcheck?: boolean;
  min?: number;
  max?: number;
  /** Text after the input, e.g. a unit. */
  suffix?: string;
  class?: string;
}

/**
 * InputField is a labelled input with its hint and error wired up for assistive tech: the input points at
 * both with aria-describedby and says aria-invalid when the server refused the value.
 */
export function InputField(p: InputFieldProps): JSX.Element {
  const id = p.id ?? p.name;
  const described = [p.hint ? `${id}-hint` : "", p.error ? `${id}-error` : ""].filter(Boolean).join(" ");
  return (
    <div class={["field", p.error ? "has-error" : "", p.class ?? ""].filter(Boolean).join(" ")}>
      <label for={id} safe>
        {p.label}
      </label>
      {p.hint ? (
        <p class="hint" id={`${id}-hint`} safe>
          {p.hint}
        </p>
      ) : (
        ""
      )}
      <div class="input-row">
        <input
          id={id}
          name={p.name}
          type={p.type ?? "text"}
          value={p.value === null || p.value === undefined ? undefined : String(p.value)}
          required={p.required}
          autofocus={p.autofocus}
          readonly={p.readonly}
          placeholder={p.placeholder}
          autocomplete={p.autocomplete}
          inputmode={p.inputmode}
          spellcheck={p.spellcheck === undefined ? undefined : String(p.spellcheck)}
          min={p.min === undefined ? undefined : String(p.min)}
          max={p.max === undefined ? undefined : String(p.max)}
          aria-describedby={described || undefined}
          aria-invalid={p.error ? "true" : undefined}
        />
        {p.suffix ? (
          <span class="input-suffix" safe>
            {p.suffix}
          </span>
        ) : (
          ""
        )}
      </div>
      {p.error ? <FieldError id={`${id}-error`} message={p.error} /> : ""}
    </div>
  );
}

/** FieldError is the server's reason a field was refused, shown under it. */
export function FieldError({ id, message }: { id: string; message: string }): JSX.Element {
  return (
    <p class="field-error" id={id}>
      <span aria-hidden="true">✕ </span>
      <span safe>{sentence(message)}</span>
    </p>
  );
}
