import { webhookRegistrationSchema } from '../../shared/domain/webhooks';
import { apiHandler, ok, parseBody } from '../../shared/runtime/http';
import { registerWebhook, removeWebhook, webhookDeliveries, webhookStatus } from '../../shared/services/webhooks';

/**
 * The operator's webhook (CONTRACT.md section 12, docs/webhooks.md): register or replace it (the
 * secret is answered once), see it, remove it, and list the latest deliveries with their attempts.
 */
export const handler = apiHandler({
  'PUT /operator/webhook': async (request) =>
    ok(await registerWebhook(request.identity, parseBody(request, webhookRegistrationSchema).url)),
  'GET /operator/webhook': async (request) => ok(await webhookStatus(request.identity)),
  'DELETE /operator/webhook': async (request) => {
    await removeWebhook(request.identity);
    return ok({ removed: true });
  },
  'GET /operator/webhook/deliveries': async (request) => ok(await webhookDeliveries(request.identity)),
});
