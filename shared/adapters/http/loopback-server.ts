import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { PortInUseError } from '#shared/errors.ts';

/**
 * Serves a Lambda API handler over HTTP on loopback: each request becomes the API Gateway REST proxy
 * event the Lambda would get, and the same handler code answers. API Gateway's IAM auth is replaced by
 * a bearer token, compared in constant time; bodies over the limit are refused before they are read.
 */

export type ProxyHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

export interface LoopbackServerOptions {
  handler: ProxyHandler;
  /** Every request must carry `Authorization: Bearer <token>`. */
  token: string;
  /** 0 picks a free port. */
  port?: number;
  /** Largest request body accepted (default 1 MiB: a full batch of 500 is about 150 KiB). */
  bodyLimitBytes?: number;
  /** Name the handler sees as its function name. */
  functionName?: string;
  /** A client has this long to send its headers (default 5 s), and its whole request (default 10 s). */
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** Open connections at most (default 512); more are refused until some close. */
  maxConnections?: number;
  /**
   * Requests one connection may make (default 1,000, as nginx's keepalive_requests): the last answer
   * says `Connection: close`, later ones get 503 without reaching the handler, so pipelining cannot
   * queue unbounded work.
   */
  maxRequestsPerConnection?: number;
  /**
   * A client that has not taken its answers for this long is dropped (default 15 s: longer than the
   * request timeout, so a slow request still gets its 408 first).
   */
  stalledReaderMs?: number;
  /** Paths open without the token: what authorises them is in the request itself (a signed link). */
  publicPaths?: readonly string[];
}

export interface LoopbackServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';
/** How long a refused client has to read its answer before its socket is closed regardless. */
const CLOSE_AFTER_ANSWER_MS = 1_000;

/** A problem+json body, its type under the gate's own problem types. */
const problemBody = (status: number, slug: string, title: string, detail: string) =>
  JSON.stringify({ type: `https://crm-guard.dev/problems/${slug}`, title, status, detail });

function sendProblem(
  response: ServerResponse,
  [status, slug, title]: [number, string, string],
  detail: string,
  extra: Record<string, string> = {},
) {
  const body = problemBody(status, slug, title, detail);
  response.writeHead(status, { 'content-type': 'application/problem+json', ...extra });
  response.end(body);
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Node's errors for a request it could not read, as status, title and what to do about it. */
const CLIENT_ERRORS: Record<string, [number, string, string, string]> = {
  ERR_HTTP_REQUEST_TIMEOUT: [
    408,
    'request-timeout',
    'Request Timeout',
    'the request did not arrive in time: send it again whole',
  ],
  HPE_HEADER_OVERFLOW: [
    431,
    'header-fields-too-large',
    'Request Header Fields Too Large',
    'the headers are larger than the server reads (16 KB)',
  ],
  default: [400, 'bad-request', 'Bad Request', 'not a well-formed HTTP request'],
};

/** Constant-time check of `Authorization: Bearer <token>` (hashing first makes lengths equal). */
export function bearerMatches(header: string | undefined, expected: Buffer): boolean {
  const presented = /^Bearer (.+)$/i.exec(header ?? '')?.[1] ?? '';
  return timingSafeEqual(digest(presented), expected);
}

function readBody(request: IncomingMessage, limit: number): Promise<Buffer | 'too_large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        request.removeAllListeners('data');
        request.resume();
        resolve('too_large');
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

/**
 * The request's URL. A path is a path: resolved against a base, `//evil.example/v1/...` would name a
 * host and route as `/v1/...`, past any proxy rule that matched the path the caller sent.
 */
function requestUrl(request: IncomingMessage): URL {
  const target = request.url ?? '/';
  // An absolute URL (`http://host/path`) is read as one; anything else (`*`, a bare word) is a path.
  if (!target.startsWith('/') && URL.canParse(target)) return new URL(target);
  return new URL(`http://${HOST}${target.startsWith('/') ? '' : '/'}${target}`);
}

function toEvent(request: IncomingMessage, url: URL, body: string, requestId: string): APIGatewayProxyEvent {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined || name === 'authorization') continue;
    const values = Array.isArray(value) ? value : [value];
    headers[name] = values.join(',');
    multiValueHeaders[name] = values;
  }
  const query: Record<string, string> = {};
  const multiQuery: Record<string, string[]> = {};
  for (const [name, value] of url.searchParams) {
    query[name] = value;
    multiQuery[name] = [...(multiQuery[name] ?? []), value];
  }
  const hasQuery = Object.keys(query).length > 0;
  return {
    httpMethod: request.method ?? 'GET',
    path: url.pathname,
    resource: '/{proxy+}',
    headers,
    multiValueHeaders,
    queryStringParameters: hasQuery ? query : null,
    multiValueQueryStringParameters: hasQuery ? multiQuery : null,
    pathParameters: { proxy: url.pathname.replace(/^\//, '') },
    stageVariables: null,
    body: body.length ? body : null,
    isBase64Encoded: false,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      authorizer: null,
      protocol: `HTTP/${request.httpVersion}`,
      httpMethod: request.method ?? 'GET',
      identity: {
        sourceIp: request.socket.remoteAddress ?? HOST,
      } as APIGatewayProxyEvent['requestContext']['identity'],
      path: url.pathname,
      stage: 'local',
      requestId,
      requestTimeEpoch: Date.now(),
      resourceId: 'local',
      resourcePath: '/{proxy+}',
    },
  };
}

function toContext(functionName: string, requestId: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: requestId,
    logGroupName: `/local/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 30_000,
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

export async function startLoopbackServer(options: LoopbackServerOptions): Promise<LoopbackServer> {
  if (!options.token) throw new Error('a bearer token is required');
  const expected = digest(options.token);
  const limit = options.bodyLimitBytes ?? 1024 * 1024;
  const functionName = options.functionName ?? 'fatigue-gate-local';

  const authorised = (request: IncomingMessage) => {
    const path = requestUrl(request).pathname;
    const open = options.publicPaths?.some((prefix) => path === prefix) ?? false;
    return open || bearerMatches(request.headers.authorization, expected);
  };
  const declaredTooLarge = (request: IncomingMessage) =>
    Number(request.headers['content-length'] ?? 0) > limit;

  // Requests a connection has in the handler or waiting to be written: a socket with none is idle.
  const inFlight = new WeakMap<Socket, number>();
  const answer = async (request: IncomingMessage, response: ServerResponse) => {
    const socket = request.socket;
    inFlight.set(socket, (inFlight.get(socket) ?? 0) + 1);
    response.once('close', () => inFlight.set(socket, inFlight.get(socket)! - 1));
    try {
      if (!authorised(request)) {
        request.resume();
        sendProblem(
          response,
          [401, 'unauthorized', 'Unauthorized'],
          'send Authorization: Bearer <CRM_GUARD_TOKEN>',
          {
            'www-authenticate': 'Bearer',
            // Asked to wait for a 100 Continue that never came, the body may never follow: end the connection.
            ...(request.headers.expect ? { connection: 'close' } : {}),
          },
        );
        return;
      }
      const body = declaredTooLarge(request) ? 'too_large' : await readBody(request, limit);
      if (body === 'too_large') {
        request.resume();
        sendProblem(
          response,
          [413, 'payload-too-large', 'Payload too large'],
          `request bodies are limited to ${limit} bytes`,
          {
            connection: 'close',
          },
        );
        return;
      }
      const url = requestUrl(request);
      const requestId = randomUUID();
      const result = await options.handler(
        toEvent(request, url, body.toString('utf8'), requestId),
        toContext(functionName, requestId),
      );
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
      const payload = result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body;
      response.writeHead(result.statusCode, headers);
      response.end(payload);
    } catch (error) {
      // A client that hung up mid-request is the client's business: nobody is left to answer.
      if (!request.complete && request.destroyed) {
        console.error(`crm-guard serve: a client closed its connection before its request arrived whole`);
        return;
      }
      // The handler maps its own errors; this only catches what escaped it, so the process lives on.
      console.error(`crm-guard serve: ${(error as Error)?.stack ?? String(error)}`);
      if (!response.headersSent)
        sendProblem(response, [500, 'internal', 'Internal error'], 'the request failed; see the server log');
      else response.end();
    }
  };
  // Timeouts are enforced on this tick (Node's default, 30 s, would let a stalled client sit that long).
  const server = createServer({ connectionsCheckingInterval: 1_000 }, answer);
  // `Expect: 100-continue`: the body is asked for only when it will be read; a caller without the token,
  // or with a body over the limit, has its answer before sending it.
  server.on('checkContinue', (request: IncomingMessage, response: ServerResponse) => {
    if (authorised(request) && !declaredTooLarge(request)) response.writeContinue();
    void answer(request, response);
  });
  // A slow or stalled client cannot hold a connection, nor many clients the process's sockets.
  server.headersTimeout = options.headersTimeoutMs ?? 5_000;
  server.requestTimeout = options.requestTimeoutMs ?? 10_000;
  server.maxConnections = options.maxConnections ?? 512;
  server.maxRequestsPerSocket = options.maxRequestsPerConnection ?? 1_000;
  // A client that pipelines requests and never reads the answers stalls its socket once the buffers
  // fill: Node stops reading it, so no request timeout runs, and the slot would be held for good.
  // The socket timeout fires after that long without traffic either way; a socket still waiting on
  // the handler (a slow batch) has nothing unsent and is kept, an idle keep-alive one is closed.
  server.timeout = options.stalledReaderMs ?? 15_000;
  server.on('timeout', (socket: Socket) => {
    if (socket.writableLength > 0 || !inFlight.get(socket)) socket.destroy();
  });
  // A request refused before it was read answers like any other bad request: a problem+json body.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    const [status, slug, title, detail] = CLIENT_ERRORS[error.code ?? ''] ?? CLIENT_ERRORS.default!;
    const body = problemBody(status, slug, title, detail);
    // Closed whole once the answer is out, or after a second if the client never reads it: a
    // half-closed socket would keep its slot under maxConnections for as long as the client liked.
    const close = () => socket.destroy();
    setTimeout(close, CLOSE_AFTER_ANSWER_MS).unref();
    if (socket.writable)
      socket.end(
        `HTTP/1.1 ${status} ${title}\r\nconnection: close\r\ncontent-type: application/problem+json\r\n` +
          `content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
        close,
      );
    else close();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new PortInUseError(
              `port ${options.port} on ${HOST} is in use: stop what holds it, or pass another --port`,
            )
          : error,
      ),
    );
    server.listen(options.port ?? 0, HOST, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${HOST}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
