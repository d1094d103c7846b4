import { describe, expect, it } from 'vitest';
import { PrometheusMetrics } from '../../src/observability/prometheus.js';
import { labelValues, sampleValue } from '../helpers/prometheus-text.js';

const scrape = async (metrics: PrometheusMetrics) => (await metrics.exposition()).body;

describe('PrometheusMetrics', () => {
  it('counts turns, decisions, applies and delivery failures by their labels', async () => {
    const metrics = new PrometheusMetrics();
    metrics.turn('teams', 'ok');
    metrics.turn('teams', 'ok');
    metrics.turn('slack', 'unauthorized');
    metrics.decision('approved');
    metrics.apply('failed');
    metrics.deliveryFailure('teams', 'throttled');
    const text = await scrape(metrics);
    expect(sampleValue(text, 'mailbox_bot_turns_total', { channel: 'teams', outcome: 'ok' })).toBe(2);
    expect(sampleValue(text, 'mailbox_bot_turns_total', { channel: 'slack', outcome: 'unauthorized' })).toBe(1);
    expect(sampleValue(text, 'mailbox_bot_decisions_total', { verdict: 'approved' })).toBe(1);
    expect(sampleValue(text, 'mailbox_bot_applies_total', { outcome: 'failed' })).toBe(1);
    expect(sampleValue(text, 'mailbox_bot_delivery_failures_total', { channel: 'teams', reason: 'throttled' })).toBe(1);
  });

  it('keeps latencies and lateness as histograms in seconds; a negative lateness counts as 0', async () => {
    const metrics = new PrometheusMetrics();
    metrics.permissionCall('listDelegates', 'ok', 0.2);
    metrics.permissionCall('grant', 'unavailable', 30);
    metrics.timerLateness('reminder', 0.4);
    metrics.timerLateness('reminder', -3);
    const text = await scrape(metrics);
    const calls = 'mailbox_bot_permission_service_call_duration_seconds';
    expect(sampleValue(text, `${calls}_count`, { operation: 'listDelegates', outcome: 'ok' })).toBe(1);
    expect(sampleValue(text, `${calls}_bucket`, { operation: 'listDelegates', outcome: 'ok', le: '0.25' })).toBe(1);
    expect(sampleValue(text, `${calls}_bucket`, { operation: 'listDelegates', outcome: 'ok', le: '0.1' })).toBe(0);
    expect(sampleValue(text, `${calls}_sum`, { operation: 'grant', outcome: 'unavailable' })).toBe(30);
    expect(sampleValue(text, 'mailbox_bot_timer_lateness_seconds_count', { kind: 'reminder' })).toBe(2);
    expect(sampleValue(text, 'mailbox_bot_timer_lateness_seconds_sum', { kind: 'reminder' })).toBeCloseTo(0.4);
    expect(sampleValue(text, 'mailbox_bot_timer_lateness_seconds_bucket', { kind: 'reminder', le: '0.01' })).toBe(1);
  });

  it('never puts text, names or addresses in a label: anything but a short code is "other"', async () => {
    const metrics = new PrometheusMetrics();
    const hostile = ['megan.bowen@contoso.example', 'give Megan send-as on Training', 'REQ-7K2F9Q', 'Zoë', 'x'.repeat(41), 'a"b', ''];
    for (const value of hostile) {
      metrics.deliveryFailure('teams', value);
      metrics.timerLateness(value, 1);
      metrics.turn(value as never, value as never);
      metrics.permissionCall(value as never, 'ok', 1);
    }
    const text = await scrape(metrics);
    const values = labelValues(text);
    for (const value of hostile.filter(Boolean)) expect(values).not.toContain(value);
    expect(text).not.toContain('Megan');
    expect(text).not.toContain('@contoso');
    expect(sampleValue(text, 'mailbox_bot_delivery_failures_total', { channel: 'teams', reason: 'other' })).toBe(hostile.length);
    expect(sampleValue(text, 'mailbox_bot_timer_lateness_seconds_count', { kind: 'other' })).toBe(hostile.length);
    expect(sampleValue(text, 'mailbox_bot_permission_service_call_duration_seconds_count', { operation: 'other', outcome: 'ok' })).toBe(hostile.length);
  });

  it('reads pending work at every scrape; a reader that fails leaves the gauge empty; the returned function removes it', async () => {
    const metrics = new PrometheusMetrics();
    let pending = { apply: 2, reminder: 5 };
    const remove = metrics.pendingWork(async () => pending);
    expect(sampleValue(await scrape(metrics), 'mailbox_bot_pending_work', { kind: 'reminder' })).toBe(5);
    pending = { apply: 0, reminder: 4 };
    const text = await scrape(metrics);
    expect(sampleValue(text, 'mailbox_bot_pending_work', { kind: 'reminder' })).toBe(4);
    expect(sampleValue(text, 'mailbox_bot_pending_work', { kind: 'apply' })).toBe(0);

    metrics.pendingWork(() => {
      throw new Error('store down');
    });
    expect(sampleValue(await scrape(metrics), 'mailbox_bot_pending_work')).toBeUndefined();
    remove(); // an earlier reader's remover does not remove the current one
    metrics.pendingWork(() => ({ expiry: 1 }))();
    expect(sampleValue(await scrape(metrics), 'mailbox_bot_pending_work')).toBeUndefined();
  });

  it('a reader that never answers (a hung store) leaves the gauge empty instead of holding the scrape', async () => {
    const metrics = new PrometheusMetrics({ pendingReadTimeoutMs: 1 });
    metrics.turn('teams', 'ok');
    metrics.pendingWork(() => new Promise(() => {}));
    const text = await scrape(metrics);
    expect(sampleValue(text, 'mailbox_bot_pending_work')).toBeUndefined();
    expect(sampleValue(text, 'mailbox_bot_turns_total', { channel: 'teams', outcome: 'ok' })).toBe(1);
  });

  it('keeps each instance apart and adds the process metrics to every scrape', async () => {
    const one = new PrometheusMetrics();
    const two = new PrometheusMetrics();
    one.decision('rejected');
    const { contentType, body } = await one.exposition();
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(sampleValue(body, 'mailbox_bot_decisions_total', { verdict: 'rejected' })).toBe(1);
    expect(sampleValue(await scrape(two), 'mailbox_bot_decisions_total', { verdict: 'rejected' })).toBeUndefined();
    expect(sampleValue(body, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(sampleValue(await scrape(two), 'nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
  });
});
