/**
 * OpenTelemetry export: audit records as OTLP/HTTP JSON log records (the `ExportLogsServiceRequest`
 * of opentelemetry-proto, in OTLP's JSON encoding: lowerCamelCase keys, integer enums, 64-bit
 * integers as decimal strings, `traceId`/`spanId` as hex), POSTed to a collector's `…/v1/logs`.
 *
 * `toOtlpLogs` is the pure mapper; `postOtlpLogs` is one request, its answer classified the way
 * OTLP/HTTP says a client must treat it; `forwardToOtlp` (otlp-shipper.ts) ships a log durably.
 * The collector is trusted by the host; arguments are already redacted in the records.
 *
 * Each record carries `log.record.uid` (its hash: stable, unique, so a collector can drop the
 * duplicate a crash between "acknowledged" and "cursor saved" can cause), and the records of one
 * tool call share a `traceId` and `spanId` derived from its `callId` (W3C trace-context sizes).
 */
import { parseRetryAfter } from '../../workers/shared/http.js';
import { TgError, ErrorCode } from '../../workers/shared/errors.js';
import { recordDecision, recordServer, recordTool, type AuditRecord } from './record.js';
import { sha256Hex } from './sha256.js';

type AnyValue = { stringValue: string } | { intValue: string } | { boolValue: boolean } | { doubleValue: number };
export interface KeyValue {
  key: string;
  value: AnyValue;
}
export interface OtlpLogRecord {
  timeUnixNano: string;
  observedTimeUnixNano: string;
  severityNumber: number;
  severityText: string;
  eventName: string;
  /** 16 bytes, hex: the tool call's trace (records without a call have none). */
  traceId?: string;
  /** 8 bytes, hex: the tool call's span. */
  spanId?: string;
  body: { stringValue: string };
  attributes: KeyValue[];
}
export interface OtlpLogsRequest {
  resourceLogs: {
    resource: { attributes: KeyValue[] };
    scopeLogs: { scope: { name: string; version: string }; logRecords: OtlpLogRecord[] }[];
  }[];
}

const attr = (key: string, value: string | number | boolean | undefined): KeyValue | undefined => {
  if (value === undefined) return undefined;
  if (typeof value === 'boolean') return { key, value: { boolValue: value } };
  if (typeof value === 'number') return { key, value: Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value } };
  return { key, value: { stringValue: value } };
};

/**
 * OTLP severity: INFO (9) normally; WARN (13) for denials, tool errors and calls whose outcome is
 * unknown; ERROR (17) for failures and storage outages.
 */
function severity(record: AuditRecord): [number, string] {
  if (record.kind === 'error' || record.kind === 'storage-unavailable' || (record.kind === 'call-end' && record.status === 'failed')) return [17, 'ERROR'];
  if (recordDecision(record) === 'deny' || record.kind === 'outcome-unknown' || (record.kind === 'call-end' && record.status === 'tool-error')) return [13, 'WARN'];
  return [9, 'INFO'];
}

/** The trace and span of a tool call, from its id: the same for every record of the call, on every device. */
export function callTraceContext(callId: string): { traceId: string; spanId: string } {
  return { traceId: sha256Hex(`toolgate.trace:${callId}`).slice(0, 32), spanId: sha256Hex(`toolgate.span:${callId}`).slice(0, 16) };
}

/** Maps records to one OTLP/HTTP JSON logs request. `resource` adds attributes (e.g. `service.name`). */
export function toOtlpLogs(records: readonly AuditRecord[], resource: Record<string, string> = {}): OtlpLogsRequest {
  const logRecords = records.map((record): OtlpLogRecord => {
    const [severityNumber, severityText] = severity(record);
    const nanos = `${BigInt(record.ts) * 1_000_000n}`;
    const attributes = [
      attr('log.record.uid', record.hash),
      attr('toolgate.audit.seq', record.seq),
      attr('toolgate.audit.kind', record.kind),
      attr('toolgate.audit.hash', record.hash),
      attr('toolgate.audit.prev_hash', record.prevHash),
      attr('toolgate.audit.signature', record.sig),
      attr('toolgate.device', record.device),
      attr('enduser.id', record.user.id),
      attr('toolgate.user.sub', record.user.sub),
      attr('toolgate.user.iss', record.user.iss),
      attr('toolgate.agent.id', record.agent.id),
      attr('toolgate.agent.name', record.agent.name),
      attr('toolgate.call.id', record.callId),
      attr('server.address', recordServer(record)),
      attr('toolgate.tool.name', recordTool(record)),
      attr('toolgate.tool.definition_hash', 'tool' in record ? record.tool?.definitionHash : undefined),
      attr('toolgate.decision', recordDecision(record)),
      attr('toolgate.decision.by', record.kind === 'decision' ? record.decision.by : undefined),
      attr('toolgate.decision.rule', record.kind === 'decision' ? record.decision.rule : undefined),
      attr('toolgate.call.status', record.kind === 'call-end' ? record.status : record.kind === 'outcome-unknown' ? 'unknown' : undefined),
      attr('toolgate.call.unknown_reason', record.kind === 'outcome-unknown' ? record.reason : undefined),
      attr('toolgate.call.duration_ms', record.kind === 'call-end' ? record.durationMs : undefined),
      attr('toolgate.result.sha256', record.kind === 'call-end' ? record.result?.sha256 : undefined),
      attr('toolgate.result.size', record.kind === 'call-end' ? record.result?.size : undefined),
      attr('error.type', 'error' in record ? record.error?.code : undefined),
    ].filter((a): a is KeyValue => a !== undefined);
    return {
      timeUnixNano: nanos,
      observedTimeUnixNano: nanos,
      severityNumber,
      severityText,
      eventName: `toolgate.audit.${record.kind}`,
      ...(record.callId !== undefined && callTraceContext(record.callId)),
      // The whole record, so the collector keeps everything needed to re-verify the chain.
      body: { stringValue: JSON.stringify(record) },
      attributes,
    };
  });
  return {
    resourceLogs: [
      {
        resource: { attributes: Object.entries({ 'service.name': 'toolgate', ...resource }).map(([k, v]) => attr(k, v)!) },
        scopeLogs: [{ scope: { name: 'toolgate.audit', version: '1' }, logRecords }],
      },
    ],
  };
}

export interface OtlpOptions {
  /** The collector's OTLP/HTTP logs endpoint, e.g. `https://otel.example/v1/logs`. */
  url: string;
  /** Sent with every request (e.g. `authorization`); a function is asked again for each request, so a token can be refreshed. */
  headers?: Record<string, string> | (() => Record<string, string> | Promise<Record<string, string>>);
  /** Resource attributes (`service.name` defaults to `toolgate`). */
  resource?: Record<string, string>;
  fetch?: typeof fetch;
  /** One request may take this long. Default 30 s. */
  requestTimeoutMs?: number;
}

/** What a collector's answer means for the records sent (OTLP/HTTP "Failures" and "Throttling"). */
export type OtlpAnswer =
  /** 2xx: accepted; `rejected` of them were refused for good by a partial success. */
  | { kind: 'accepted'; rejected: number; message?: string }
  /** Network error, 429, 502, 503 or 504: send the same records again later (after `retryAfterMs` when given). */
  | { kind: 'retry'; error: TgError; retryAfterMs?: number }
  /** 413: too large; smaller batches may pass. */
  | { kind: 'too-large'; error: TgError }
  /** 400: bad data, never to be resent. */
  | { kind: 'rejected'; error: TgError }
  /** Any other status: OTLP forbids retrying it. */
  | { kind: 'stop'; error: TgError };

/** Responses read at most this much (OTLP's recommended limit). */
const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
const RETRYABLE = new Set([429, 502, 503, 504]);

/** POSTs records as one request and classifies the answer. Never rejects. */
export async function postOtlpLogs(records: readonly AuditRecord[], options: OtlpOptions, signal?: AbortSignal): Promise<OtlpAnswer> {
  const doFetch = options.fetch ?? fetch;
  let response: Response;
  try {
    const headers = typeof options.headers === 'function' ? await options.headers() : options.headers;
    const timeout = AbortSignal.timeout(options.requestTimeoutMs ?? 30_000);
    response = await doFetch(options.url, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify(toOtlpLogs(records, options.resource)),
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
  } catch (err) {
    return { kind: 'retry', error: new TgError(ErrorCode.AUDIT_EXPORT_FAILED, 'Could not reach the OpenTelemetry collector', { cause: err }) };
  }
  const status = response.status;
  if (response.ok) {
    const partial = (await boundedJson(response)) as { partialSuccess?: { rejectedLogRecords?: string | number; errorMessage?: string } } | undefined;
    const rejected = Number(partial?.partialSuccess?.rejectedLogRecords ?? 0);
    const message = partial?.partialSuccess?.errorMessage;
    return { kind: 'accepted', rejected: Number.isFinite(rejected) ? rejected : 0, ...(message && { message }) };
  }
  void response.body?.cancel().catch(() => {});
  const error = new TgError(ErrorCode.AUDIT_EXPORT_FAILED, `The OpenTelemetry collector answered ${status}`, { data: { status } });
  if (RETRYABLE.has(status)) {
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
    return { kind: 'retry', error, ...(retryAfterMs !== undefined && { retryAfterMs }) };
  }
  if (status === 413) return { kind: 'too-large', error };
  if (status === 400) return { kind: 'rejected', error: new TgError(ErrorCode.AUDIT_EXPORT_REJECTED, 'The OpenTelemetry collector rejected the records as bad data (400)', { data: { status } }) };
  return { kind: 'stop', error };
}

/** The response body as JSON, read up to the limit; undefined when empty, too large or not JSON. */
async function boundedJson(response: Response): Promise<unknown> {
  const length = Number(response.headers.get('content-length') ?? 0);
  if (length > MAX_RESPONSE_BYTES) {
    void response.body?.cancel().catch(() => {});
    return undefined;
  }
  try {
    const text = await response.text();
    return text.length > 0 && text.length <= MAX_RESPONSE_BYTES ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

/** POSTs records once. Rejects with `TG_AUDIT_EXPORT_FAILED` (or `…_REJECTED` for a 400). */
export async function sendOtlpLogs(records: readonly AuditRecord[], options: OtlpOptions): Promise<void> {
  const answer = await postOtlpLogs(records, options);
  if (answer.kind !== 'accepted') throw answer.error;
}
