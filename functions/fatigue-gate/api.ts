import { type Logger, LogLevelThreshold } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { StoreUnavailableError } from '#shared/errors.ts';
import type { DecisionAnswer, DecisionRequest } from '#shared/gate/decision.ts';
import type { Gate } from '#shared/gate/gate.ts';
import { BATCH_LIMIT, type FieldProblem, fieldProblems, userIdSchema } from '#shared/gate/request-schema.ts';
import { GATE_METRICS } from '#shared/telemetry.ts';

/**
 * The fatigue gate's HTTP API, shared by the Lambda (API Gateway REST proxy, IAM auth) and
 * `crm-guard serve` (loopback): transport only. Parse and validate, ask the gate, log and count every
 * decision, map errors to RFC 9457 problem+json. Nothing here throws to the runtime.
 */

export interface GateApiDeps {
  gate: Gate;
  logger: Logger;
  metrics: Metrics;
  /** How a user id appears in decision logs: a keyed hash by default (see `userIdPseudonym`). */
  logUserId?: (userId: string) => string;
}

/** A batch item that did not pass its checks: a problem in its slot, the rest are decided. */
export interface ItemProblem {
  status: 400;
  type: string;
  title: string;
  errors: FieldProblem[];
}

type Result = APIGatewayProxyResult;

const PROBLEM_BASE = 'https://crm-guard.dev/problems/';

export function problem(
  status: number,
  slug: string,
  title: string,
  detail: string,
  errors?: FieldProblem[],
): Result {
  return {
    statusCode: status,
    headers: { 'content-type': 'application/problem+json' },
    body: JSON.stringify({ type: PROBLEM_BASE + slug, title, status, detail, ...(errors ? { errors } : {}) }),
  };
}

function json(status: number, body: unknown): Result {
  return { statusCode: status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

const invalid = (errors: FieldProblem[]) =>
  problem(400, 'invalid-request', 'Invalid request', `${errors.length} field(s) are invalid`, errors);

/** A header by name, whatever case the caller (or API Gateway) gave it. */
function header(event: APIGatewayProxyEvent, name: string): string | undefined {
  for (const [key, value] of Object.entries(event.headers ?? {}))
    if (key.toLowerCase() === name && typeof value === 'string') return value;
  return undefined;
}

/** JSON, or a JSON-based type (`application/problem+json`); left out, the body is read as JSON. */
const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json$/i;

const unsupported = (header: 'content-type' | 'content-encoding', detail: string) => ({
  ok: false as const,
  result: problem(415, 'unsupported-media-type', 'Unsupported Media Type', detail, [
    { field: `(${header})`, message: detail },
  ]),
});

function readBody(event: APIGatewayProxyEvent): { ok: true; body: unknown } | { ok: false; result: Result } {
  // A form, a text or a compressed body is not what the caller meant to send: say so, do not guess.
  const type = header(event, 'content-type');
  if (type !== undefined) {
    const mediaType = type.split(';')[0]!.trim();
    if (!JSON_MEDIA_TYPE.test(mediaType))
      return unsupported('content-type', `Content-Type ${mediaType || '(empty)'}: send application/json`);
  }
  const encoding = header(event, 'content-encoding')?.trim().toLowerCase();
  if (encoding && encoding !== 'identity')
    return unsupported('content-encoding', `Content-Encoding ${encoding}: send the JSON uncompressed`);
  const text = event.body
    ? event.isBase64Encoded
      ? Buffer.from(event.body, 'base64').toString('utf8')
      : event.body
    : '';
  if (!text) return { ok: false, result: invalid([{ field: '(body)', message: 'expected a JSON body' }]) };
  try {
    return { ok: true, body: JSON.parse(text) };
  } catch {
    return { ok: false, result: invalid([{ field: '(body)', message: 'not valid JSON' }]) };
  }
}

/**
 * Logs each decision with its reason (a store failure with its cause), and counts decisions: by tier,
 * decision and reason (and cause), and in total beside the unavailable ones, which the alarm divides.
 */
function record(deps: GateApiDeps, requests: DecisionRequest[], answers: DecisionAnswer[]): void {
  const groups = new Map<string, number>();
  let unavailable = 0;
  // A line the logger would drop is not built (a batch makes 500, each with a keyed hash).
  const logsInfo = deps.logger.level <= LogLevelThreshold.INFO;
  const logsWarn = deps.logger.level <= LogLevelThreshold.WARN;
  answers.forEach((answer, index) => {
    const key = `${answer.tier}|${answer.decision}|${answer.reason}|${answer.cause ?? ''}`;
    groups.set(key, (groups.get(key) ?? 0) + 1);
    const isWarning = answer.reason === 'gate_unavailable';
    if (isWarning) unavailable++;
    if (!(isWarning ? logsWarn : logsInfo)) return;
    const request = requests[index]!;
    const entry = {
      userId: deps.logUserId ? deps.logUserId(request.userId) : request.userId,
      messageId: request.messageId,
      campaignId: request.campaignId,
      channel: request.channel,
      category: request.category,
      messageClass: request.messageClass,
      decision: answer.decision,
      reason: answer.reason,
      cause: answer.cause,
      tier: answer.tier,
      limitedBy: answer.limitedBy,
      deferUntil: answer.deferUntil,
    };
    // Transactional sends skip every cap: the override is logged on its own line as an audit trail.
    if (isWarning) deps.logger.warn('gate decision: store unavailable', entry);
    else if (answer.reason === 'transactional_override')
      deps.logger.info('gate override: transactional', entry);
    else deps.logger.info('gate decision', entry);
  });
  for (const [key, count] of groups)
    decisionMetric(deps.metrics, key).addMetric(GATE_METRICS.decisions, MetricUnit.Count, count);
  deps.metrics.addMetric(GATE_METRICS.decisions, MetricUnit.Count, answers.length);
  deps.metrics.addMetric(GATE_METRICS.unavailable, MetricUnit.Count, unavailable);
}

// One single-metric emitter per tier|decision|reason, kept: building one costs more than a decision.
const decisionMetrics = new WeakMap<Metrics, Map<string, Metrics>>();

function decisionMetric(metrics: Metrics, key: string): Metrics {
  let byKey = decisionMetrics.get(metrics);
  if (!byKey) {
    byKey = new Map();
    decisionMetrics.set(metrics, byKey);
  }
  let metric = byKey.get(key);
  if (!metric) {
    const [tier, decision, reason, cause] = key.split('|') as [string, string, string, string];
    metric = metrics.singleMetric();
    metric.setDefaultDimensions({ tier, decision, reason, ...(cause ? { cause } : {}) });
    byKey.set(key, metric);
  }
  return metric;
}

const TIER_PATH = /^\/v1\/users\/([^/]+)\/tier$/;

/** The route table; exported so the store-free bench measures exactly this code. */
export async function routeGateRequest(event: APIGatewayProxyEvent, deps: GateApiDeps): Promise<Result> {
  // One metric on the invocation's own instance: requests served (decisions are counted per group below).
  deps.metrics.addMetric(GATE_METRICS.requests, MetricUnit.Count, 1);
  const method = event.httpMethod?.toUpperCase();
  const path = (event.path || '/').replace(/\/+$/, '') || '/';
  try {
    if (path === '/v1/decisions' || path === '/v1/decisions/batch') {
      if (method !== 'POST')
        return {
          ...problem(405, 'method-not-allowed', 'Method not allowed', `${method} ${path}`),
          headers: { 'content-type': 'application/problem+json', allow: 'POST' },
        };
      const body = readBody(event);
      if (!body.ok) return body.result;
      if (path === '/v1/decisions') {
        const parsed = deps.gate.parse(body.body);
        if (!parsed.ok) return invalid(parsed.problems);
        const answer = await deps.gate.decide(parsed.value);
        record(deps, [parsed.value], [answer]);
        return json(200, answer);
      }
      return await decideBatch(deps, body.body);
    }
    const tierMatch = TIER_PATH.exec(path);
    if (tierMatch) {
      // HEAD wherever GET is served (RFC 9110): the same answer, its body left out on the way.
      if (method !== 'GET' && method !== 'HEAD')
        return {
          ...problem(405, 'method-not-allowed', 'Method not allowed', `${method} ${path}`),
          headers: { 'content-type': 'application/problem+json', allow: 'GET, HEAD' },
        };
      let userId: string;
      try {
        userId = decodeURIComponent(tierMatch[1]!);
      } catch {
        return invalid([{ field: 'userId', message: 'not a valid URL-encoded value' }]);
      }
      const parsed = userIdSchema.safeParse(userId);
      if (!parsed.success)
        return invalid(fieldProblems(parsed.error).map((p) => ({ ...p, field: 'userId' })));
      return json(200, await deps.gate.userTier(parsed.data));
    }
    return problem(404, 'not-found', 'Not found', `no route for ${method} ${path}`);
  } catch (error) {
    if (error instanceof StoreUnavailableError) {
      deps.logger.warn('gate store unavailable', { cause: error.failure, error: error.message });
      // The store's own words (hosts, ports) are for the log, not the caller.
      return problem(
        503,
        'gate-unavailable',
        'Gate store unavailable',
        `the gate store did not answer (${error.failure}); try again shortly`,
      );
    }
    deps.logger.error('gate request failed', error as Error);
    return problem(500, 'internal', 'Internal error', 'the gate failed to answer; see the logs');
  }
}

/**
 * A batch: each item checked on its own. A bad item gets a problem in its slot (`status: 400`, the
 * fields named) and the rest are decided; only a body that is not a list of 1 to 500 items is refused whole.
 */
async function decideBatch(deps: GateApiDeps, body: unknown): Promise<Result> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return invalid([{ field: '(body)', message: 'expected an object {"requests": [...]}' }]);
  const problems: FieldProblem[] = Object.keys(body)
    .filter((key) => key !== 'requests')
    .map((field) => ({ field, message: 'unknown field' }));
  const items = (body as { requests?: unknown }).requests;
  if (!Array.isArray(items) || items.length === 0)
    problems.push({
      field: 'requests',
      message: `${items === undefined ? 'required: ' : ''}expected a list of 1 to ${BATCH_LIMIT} requests`,
    });
  // One answer names every problem: a misspelt key and the list it left missing.
  if (problems.length || !Array.isArray(items)) return invalid(problems);
  if (items.length > BATCH_LIMIT)
    return problem(
      413,
      'batch-too-large',
      'Batch too large',
      `at most ${BATCH_LIMIT} requests a batch, got ${items.length}`,
    );
  const parsed = items.map((item) => deps.gate.parse(item));
  const requests: DecisionRequest[] = [];
  for (const item of parsed) if (item.ok) requests.push(item.value);
  const decided = requests.length ? await deps.gate.decideBatch(requests) : [];
  record(deps, requests, decided);
  let next = 0;
  const answers: (DecisionAnswer | ItemProblem)[] = parsed.map((item, index) =>
    item.ok
      ? decided[next++]!
      : {
          status: 400,
          type: `${PROBLEM_BASE}invalid-request`,
          title: 'Invalid request',
          // Fields are the item's own; an item that is no object at all is named by its place.
          errors: item.problems.map((p) =>
            p.field === '(body)' ? { ...p, field: `requests[${index}]` } : p,
          ),
        },
  );
  const rejected = parsed.length - requests.length;
  if (rejected) deps.metrics.addMetric(GATE_METRICS.invalidItems, MetricUnit.Count, rejected);
  return json(200, { answers });
}

/** The middy-wrapped handler: the Lambda exports it, `crm-guard serve` awaits it per HTTP request. */
export function createGateHandler(deps: GateApiDeps) {
  return middy<APIGatewayProxyEvent, Result, Error, Context>(
    (event: APIGatewayProxyEvent) => routeGateRequest(event, deps),
    { timeoutEarlyInMillis: 0 },
  )
    .use(injectLambdaContext(deps.logger))
    .use(logMetrics(deps.metrics, { captureColdStartMetric: true }));
}
