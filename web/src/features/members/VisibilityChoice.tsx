import { VISIBILITIES, type Visibility } from "./types";

interface VisibilityChoiceProps {
  value: Visibility;
  /** absent: shown, not changeable (the caller is not an admin of the project) */
  onChange?: (visibility: Visibility) => void;
  disabled?: boolean;
}

/** Private, team or public, each with one line saying who may read the project. */
export function VisibilityChoice({ value, onChange, disabled }: VisibilityChoiceProps) {
  return (
    <fieldset className="visibility-choice" data-testid="visibility-choice">
      <legend>Who can see this project</legend>
      {VISIBILITIES.map((v) => (
        <label key={v.value} className={v.value === value ? "visibility-option chosen" : "visibility-option"}>
          <input
            type="radio"
            name="visibility"
            value={v.value}
            checked={v.value === value}
            disabled={disabled || onChange === undefined}
            onChange={() => onChange?.(v.value)}
            data-testid={`visibility-${v.value}`}
          />
          <span className="strong">{v.label}</span>
          <span className="muted">{v.who}</span>
        </label>
      ))}
    </fieldset>
  );
}
