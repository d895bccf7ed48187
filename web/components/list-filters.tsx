/** A GET form of list filters: the URL keeps them, and it works from the keyboard and without scripts. */

export interface Choice {
  id: string;
  name: string;
}

/** One choice among several; `all` names the empty choice (none: one must be chosen). */
export function ChoiceFilter({
  all = 'all',
  ...props
}: {
  label: string;
  name: string;
  value?: string | null;
  choices: Choice[];
  all?: string | null;
}) {
  return (
    <label>
      {props.label}
      <select name={props.name} defaultValue={props.value ?? ''}>
        {all === null ? null : <option value="">{all}</option>}
        {props.choices.map((choice) => (
          <option key={choice.id} value={choice.id}>
            {choice.name}
          </option>
        ))}
      </select>
    </label>
  );
}

/** From and to dates (to: through that day), then the apply button. */
export function PeriodFilter({ from, to }: { from?: string; to?: string }) {
  return (
    <>
      <label>
        From
        <input type="date" name="from" defaultValue={from?.slice(0, 10)} />
      </label>
      <label>
        To
        <input type="date" name="to" defaultValue={to?.slice(0, 10)} />
      </label>
      <button type="submit">Apply</button>
    </>
  );
}
