/**
 * OpenTelemetry export: audit records as OTLP/HTTP JSON log records, POSTed to a collector URL
 * the host configures (`…/v1/logs`), so an organisation's log pipeline receives every decision.
 *
 * `toOtlpLogs` is a pure mapper; `sendOtlpLogs` is the one request; `forwardToOtlp` subscribes
 * to a log and ships each committed batch. The collector is trusted by the host; arguments are
 * already redacted in the records.
 */
import { TgError, ErrorCode } from '../../workers/shared/errors.js';
import type { AuditAppendEvent, AuditLog } from './audit-log.js';
import { recordDecision, recordServer, recordTool, type AuditRecord } from './record.js';

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

/** OTLP severity: INFO (9) normally, WARN (13) for denials and tool errors, ERROR (17) for failures. */
function severity(record: AuditRecord): [number, string] {
  if (record.kind === 'error' || (record.kind === 'call-end' && record.status === 'failed')) return [17, 'ERROR'];
  if (recordDecision(record) === 'deny' || (record.kind === 'call-end' && record.status === 'tool-error')) return [13, 'WARN'];
  return [9, 'INFO'];
}

/** Maps records to one OTLP/HTTP JSON logs request. `resource` adds attributes (e.g. `service.name`). */
export function toOtlpLogs(records: readonly AuditRecord[], resource: Record<string, string> = {}): OtlpLogsRequest {
  const logRecords = records.map((record): OtlpLogRecord => {
    const [severityNumber, severityText] = severity(record);
    const nanos = `${BigInt(record.ts) * 1_000_000n}`;
    const attributes = [
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
      attr('toolgate.call.status', record.kind === 'call-end' ? record.status : undefined),
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
  headers?: Record<string, string>;
  resource?: Record<string, string>;
  fetch?: typeof fetch;
}

/** POSTs records to the collector. Rejects with `TG_AUDIT_EXPORT_FAILED` (network or HTTP error). */
export async function sendOtlpLogs(records: readonly AuditRecord[], options: OtlpOptions): Promise<void> {
  const doFetch = options.fetch ?? fetch;
  let response: Response;
  try {
    response = await doFetch(options.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...options.headers },
      body: JSON.stringify(toOtlpLogs(records, options.resource)),
    });
  } catch (err) {
    throw new TgError(ErrorCode.AUDIT_EXPORT_FAILED, 'Could not reach the OpenTelemetry collector', { cause: err });
  }
  if (!response.ok) {
    throw new TgError(ErrorCode.AUDIT_EXPORT_FAILED, `The OpenTelemetry collector answered ${response.status}`, { data: { status: response.status } });
  }
}

/**
 * Ships every batch the log commits (in this page) to the collector, in order. Failures go to
 * `onError` (the records stay in the log and in later exports). Returns a function that stops.
 */
export function forwardToOtlp(log: AuditLog, options: OtlpOptions & { onError?: (error: unknown) => void }): () => void {
  let chain = Promise.resolve();
  const listener = (event: AuditAppendEvent) => {
    if (event.remote) return; // the page that wrote them ships them
    const records = event.records;
    chain = chain.then(() => sendOtlpLogs(records, options)).catch((err) => options.onError?.(err));
  };
  log.addEventListener('append', listener);
  return () => log.removeEventListener('append', listener);
}
