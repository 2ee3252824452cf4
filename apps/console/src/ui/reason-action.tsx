import { useState } from 'react';
import { useI18n } from '../i18n/i18n.js';

interface ReasonActionProps {
  testId: string;
  label: string;
  /** When the API requires a reason, the action waits for one. */
  reasonRequired: boolean;
  disabled?: boolean;
  onConfirm: (reason: string | null) => void;
}

/** A button that asks for the reason the contract's history will record, then acts. */
export const ReasonAction = ({ testId, label, reasonRequired, disabled, onConfirm }: ReasonActionProps) => {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  if (!open) {
    return (
      <button type="button" data-testid={testId} disabled={disabled} onClick={(e) => (e.stopPropagation(), setOpen(true))}>
        {label}
      </button>
    );
  }
  return (
    <span className="reason-action" onClick={(e) => e.stopPropagation()}>
      <input data-testid={`${testId}-reason`} placeholder={t('common.reason')} value={reason} onChange={(e) => setReason(e.target.value)} />
      <button
        type="button"
        data-testid={`${testId}-confirm`}
        disabled={disabled || (reasonRequired && reason.trim() === '')}
        onClick={() => {
          setOpen(false);
          onConfirm(reason.trim() || null);
        }}
      >
        {label}
      </button>
      <button type="button" onClick={() => setOpen(false)}>
        {t('common.cancel')}
      </button>
    </span>
  );
};
