import type { ComponentChildren } from 'preact';
import { useEffect, useId, useRef } from 'preact/hooks';
import { useT } from '../i18n';

/**
 * The one confirmation step of acts that cannot be undone: a native modal <dialog>, so the
 * browser keeps focus inside it and Escape cancels. It opens on Cancel, the harmless choice, and
 * gives focus back to what opened it.
 */
export function ConfirmDialog({
  open,
  title,
  confirmLabel,
  danger,
  busy,
  onConfirm,
  onCancel,
  children,
}: {
  open: boolean;
  title: string;
  confirmLabel: string;
  danger?: boolean;
  busy?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
  /** What will happen, in words: the dialog's description. */
  children: ComponentChildren;
}) {
  const { t } = useT();
  const dialog = useRef<HTMLDialogElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  const opener = useRef<Element | null>(null);
  const id = useId();

  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (open && !element.open) {
      opener.current = document.activeElement;
      element.showModal();
      cancel.current?.focus();
    } else if (!open && element.open) {
      element.close();
    }
  }, [open]);

  // Whatever closed it (a button, Escape), focus goes back to where the person was.
  const restoreFocus = (): void => {
    if (opener.current instanceof HTMLElement && opener.current.isConnected) opener.current.focus();
  };

  return (
    <dialog
      ref={dialog}
      class="confirm"
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-body`}
      onCancel={(event) => {
        event.preventDefault();
        if (!busy) onCancel();
      }}
      onClose={restoreFocus}
    >
      <h2 id={`${id}-title`}>{title}</h2>
      <div id={`${id}-body`} class="confirm-body">
        {children}
      </div>
      <div class="buttons">
        <button type="button" ref={cancel} disabled={busy} onClick={onCancel}>
          {t('cancel')}
        </button>
        <button type="button" class={danger ? 'danger' : 'primary'} disabled={busy} onClick={onConfirm}>
          {confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
