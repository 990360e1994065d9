/**
 * The poster's public page (#/object): no account. Object to an order with the code from its
 * notice, and look an objection up by its reference. Talks to the two public routes directly:
 * there is no token to send.
 */
import { useState } from 'preact/hooks';
import { publicObjectionRequestSchema } from '../../../shared/domain/model';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { described, Field } from '../components/common';
import { formatCompact } from '../format';
import { useT, type MessageKey } from '../i18n';

interface PublicAnswer {
  status: number;
  body: { reference?: string; filedAt?: string; status?: string; outcome?: string; error?: { code: string } };
  retryAfter: string | null;
}

async function call(apiUrl: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<PublicAnswer> {
  const response = await fetch(`${apiUrl}${path}`, {
    method,
    // JSON asked for by name: the local server answers a GET that accepts any type with the web UI.
    headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return {
    status: response.status,
    body: (await response.json().catch(() => ({}))) as PublicAnswer['body'],
    retryAfter: response.headers.get('retry-after'),
  };
}

/** A refusal in the poster's words: what went wrong and what to do. */
function refusal(answer: PublicAnswer, notFound: MessageKey, t: ReturnType<typeof useT>['t']): string {
  switch (answer.body.error?.code) {
    case 'NOT_FOUND':
      return t(notFound);
    case 'RATE_LIMITED':
      return t('objectionTooMany', { seconds: answer.retryAfter ?? '60' });
    case 'WINDOW_CLOSED':
      return t('objectionWindowClosed');
    default:
      return t('error', { message: String(answer.status) });
  }
}

function statusWords(status: string | undefined, outcome: string | undefined): MessageKey {
  if (status === 'DECIDED') return outcome === 'ORDER_LIFTED' ? 'objectionLifted' : 'objectionStands';
  return status === 'UNDER_REVIEW' ? 'objectionUnderReview' : 'objectionReceived';
}

/** `timeZone`: the policy's, in which every time is shown (the page has no signed-in app around it). */
export function ObjectionPage({ apiUrl, timeZone }: { apiUrl: string; timeZone: string }) {
  const { t, schema } = useT();
  const [code, setCode] = useState('');
  const [grounds, setGrounds] = useState('');
  const [contact, setContact] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ reference?: string; refusal?: string }>({});
  const [reference, setReference] = useState('');
  const [looked, setLooked] = useState<{ words?: string; filedAt?: string; refusal?: string }>({});

  const body = { code: code.trim(), grounds: grounds.trim(), ...(contact.trim() === '' ? {} : { contact: contact.trim() }) };
  const check = (event: Event): void => {
    event.preventDefault();
    const parsed = publicObjectionRequestSchema.safeParse(body);
    if (!parsed.success) {
      const found: Record<string, string> = {};
      for (const issue of parsed.error.issues) found[String(issue.path[0])] ??= schema(issue.message);
      setErrors(found);
      document.getElementById(`objection-${Object.keys(found)[0]}`)?.focus();
      return;
    }
    setErrors({});
    setConfirming(true);
  };
  const file = async (): Promise<void> => {
    setBusy(true);
    try {
      const answer = await call(apiUrl, 'POST', '/public/objections', body);
      setOutcome(
        answer.status === 201 ? { reference: answer.body.reference ?? '' } : { refusal: refusal(answer, 'objectionCodeUnknown', t) },
      );
      if (answer.status === 201) setReference(answer.body.reference ?? '');
    } finally {
      setBusy(false);
      setConfirming(false);
    }
  };
  const lookUp = async (event: Event): Promise<void> => {
    event.preventDefault();
    const answer = await call(apiUrl, 'GET', `/public/objections/${encodeURIComponent(reference.trim().toUpperCase())}`);
    setLooked(
      answer.status === 200
        ? { words: t(statusWords(answer.body.status, answer.body.outcome)), filedAt: answer.body.filedAt ?? '' }
        : { refusal: refusal(answer, 'objectionReferenceUnknown', t) },
    );
  };

  return (
    <div class="public-objection">
      <h1>{t('objectionTitle')}</h1>
      <p>{t('objectionIntro')}</p>
      <form class="decide" onSubmit={check} noValidate>
        <h2>{t('objectionFile')}</h2>
        <Field id="objection-code" label={t('objectionCode')} error={errors.code} hint={t('objectionCodeHint')}>
          <input
            {...described('objection-code', errors.code, true)}
            autocomplete="off"
            spellcheck={false}
            maxLength={64}
            value={code}
            onInput={(e) => setCode(e.currentTarget.value)}
          />
        </Field>
        <Field id="objection-grounds" label={t('objectionGrounds')} error={errors.grounds}>
          <textarea
            {...described('objection-grounds', errors.grounds)}
            rows={5}
            maxLength={5000}
            value={grounds}
            onInput={(e) => setGrounds(e.currentTarget.value)}
          />
        </Field>
        <Field id="objection-contact" label={t('objectionContact')} error={errors.contact} hint={t('objectionContactHint')}>
          <input
            {...described('objection-contact', errors.contact, true)}
            type="email"
            autocomplete="email"
            maxLength={254}
            value={contact}
            onInput={(e) => setContact(e.currentTarget.value)}
          />
        </Field>
        <button type="submit" disabled={busy}>
          {t('objectionFile')}
        </button>
        {outcome.reference && (
          <p class="notice" role="status">
            {t('objectionFiled')} <strong class="reference">{outcome.reference}</strong>
          </p>
        )}
        {outcome.refusal && (
          <p class="error" role="alert">
            {outcome.refusal}
          </p>
        )}
      </form>
      <ConfirmDialog
        open={confirming}
        title={t('objectionConfirmTitle')}
        confirmLabel={t('objectionFile')}
        busy={busy}
        onConfirm={() => void file()}
        onCancel={() => setConfirming(false)}
      >
        {t('objectionConfirm')}
      </ConfirmDialog>
      <form class="decide" onSubmit={(e) => void lookUp(e)} noValidate>
        <h2>{t('objectionLookUp')}</h2>
        <Field id="objection-reference" label={t('objectionReference')}>
          <input
            id="objection-reference"
            autocomplete="off"
            spellcheck={false}
            maxLength={20}
            value={reference}
            onInput={(e) => setReference(e.currentTarget.value)}
          />
        </Field>
        <button type="submit">{t('objectionLookUp')}</button>
        {looked.words && (
          <p role="status">
            {looked.words} ({t('objectionFiledAt')} <time dateTime={looked.filedAt}>{formatCompact(looked.filedAt ?? '', timeZone)}</time>)
          </p>
        )}
        {looked.refusal && (
          <p class="error" role="alert">
            {looked.refusal}
          </p>
        )}
      </form>
    </div>
  );
}
