import type { Classification } from '../api/models.js';

/** Status, classification and the like, coloured by their value (styles.css). */
export const Badge = ({ kind, value }: { kind: 'status' | 'class' | 'sharing' | 'outcome'; value: string }) => (
  <span className={`badge ${kind}-${value.toLowerCase()}`}>{value}</span>
);

export const FieldList = ({ fields, classes }: { fields: readonly string[]; classes: ReadonlyMap<string, Classification> }) => (
  <span className="field-list">
    {fields.map((field) => (
      <span key={field} className={`field class-${(classes.get(field) ?? 'unknown').toLowerCase()}`} title={classes.get(field)}>
        {field}
      </span>
    ))}
  </span>
);
