import { useT } from '../i18n';

/**
 * The options of a `<select>` over one of the domain's value lists (categories, statuses, reporter
 * kinds), each in the screen's words, after a first empty choice ("Choose…", "All statuses").
 */
export function ValueOptions({ values, empty }: { values: readonly string[]; empty: string }) {
  const { v } = useT();
  return (
    <>
      <option value="">{empty}</option>
      {values.map((value) => (
        <option key={value} value={value}>
          {v(value)}
        </option>
      ))}
    </>
  );
}
