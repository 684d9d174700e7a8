/**
 * A photo's GPS as a routing signal: weaker than the form's point, used only without one, and
 * able to move a tip that only its text (or nothing) routed, once, while no officer has it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { createClassifier } from '../../shared/classification/engine.ts';
import { GpsIndex } from '../../shared/classification/gps-index.ts';
import { packBoundaries } from '../../shared/classification/packs.ts';
import type { RoutingDecision } from '../../shared/classification/types.ts';
import { cityDeskQueue, jurisdiction } from '../../shared/jurisdictions/index.ts';
import type { Tip } from '../../shared/tip/tip.ts';
import { photoLocationWithinCity, scanUpload, TipNotYetStoredError } from '../../shared/usecases/attachments.ts';
import { withFakeGps } from '../support/fakes.ts';
import { exampleUnit, flakyTips, officers, otherUnit, testPack } from '../support/tip-fakes.ts';
import { attachmentWorld, files } from './attachment-world.ts';

const classifier = createClassifier({ pack: testPack });
const map = jurisdiction(testPack);
const neutral = 'Có người lạ đáng ngờ ở đây, nhờ công an kiểm tra giúp';
const point = (code: string) => {
  const [lon, lat] = map.findUnit(code)!.label;
  return { lat, lon };
};
/** Deep inside Phường Bến Thành (26743), far from Phường Bàn Cờ (27154) where the example tips sit. */
const benThanh = point(otherUnit);

describe('routing by a photo point', () => {
  it('routes by a point deep inside a unit, with less confidence than the form’s point, and says it came from a photo', () => {
    const photo = classifier.classify({ channel: 'web', text: neutral, photoPoint: benThanh }).routing;
    const form = classifier.classify({ channel: 'web', text: neutral, ...benThanh }).routing;
    assert.equal(photo.unit, otherUnit);
    assert.equal(photo.method, 'gps');
    assert.deepEqual(photo.evidence, { kind: 'point', ...benThanh, source: 'photo' });
    assert.deepEqual(form.evidence, { kind: 'point', ...benThanh });
    assert.ok(photo.confidence >= 0.6 && photo.confidence < form.confidence, `${photo.confidence} < ${form.confidence}`);
  });

  it('is used only when the form gives no point, and never over a unit the tipster picked', () => {
    const both = classifier.classify({ channel: 'web', text: neutral, ...point(exampleUnit), photoPoint: benThanh }).routing;
    assert.equal(both.unit, exampleUnit);
    assert.ok(!('source' in (both.evidence ?? {})));
    assert.equal(classifier.classify({ channel: 'web', text: neutral, unit: exampleUnit, photoPoint: benThanh }).routing.method, 'explicit');
  });

  it('loses to a text that disagrees where the form’s point would win', () => {
    const text = 'Có người bán ma túy ở Bàn Cờ';
    const byText = classifier.classify({ channel: 'web', text }).routing;
    assert.equal(byText.unit, exampleUnit);
    assert.equal(classifier.classify({ channel: 'web', text, photoPoint: benThanh }).routing.unit, exampleUnit);
    assert.equal(classifier.classify({ channel: 'web', text, ...benThanh }).routing.unit, otherUnit);
  });

  it('is confirmed by a text naming the same unit', () => {
    const routing = classifier.classify({ channel: 'web', text: 'Trộm xe ở phường Bến Thành', photoPoint: benThanh }).routing;
    assert.equal(routing.unit, otherUnit);
    assert.ok(routing.confidence > 0.97);
  });

  it('does not route alone from right at a border', () => {
    const pack = packBoundaries(testPack);
    const index = new GpsIndex(pack.boundaries, { marginMetres: pack.borderMarginMetres });
    const from = map.findUnit(exampleUnit)!.label;
    const to = map.findUnit('27139')!.label;
    let border: { lat: number; lon: number } | undefined;
    for (let t = 0; t <= 1 && !border; t += 0.0002) {
      const candidate = { lon: from[0] + (to[0] - from[0]) * t, lat: from[1] + (to[1] - from[1]) * t };
      const location = index.locate(candidate.lat, candidate.lon);
      if (location.code === exampleUnit && location.borderDistance < 10) border = candidate;
    }
    assert.ok(border, 'a point within 10 m of the border');
    assert.equal(classifier.classify({ channel: 'web', text: neutral, ...border }).routing.unit, exampleUnit, 'the form’s point still routes');
    const photo = classifier.classify({ channel: 'web', text: neutral, photoPoint: border }).routing;
    assert.equal(photo.unit, null);
    assert.ok(photo.candidates.some((c) => c.unit === exampleUnit));
  });

  it('counts only points within the city', () => {
    assert.ok(photoLocationWithinCity(benThanh, map));
    assert.ok(!photoLocationWithinCity({ lat: 21.0285, lon: 105.8542 }, map), 'Hà Nội');
    assert.ok(!photoLocationWithinCity({ lat: 0, lon: 0 }, map));
    assert.ok(!photoLocationWithinCity({ lat: Number.NaN, lon: 106.7 }, map));
    assert.ok(!photoLocationWithinCity(undefined, map));
  });
});

const photoFile = { fileName: 'hem.jpg', contentType: 'image/jpeg', size: 1000 };
const deskRouting: RoutingDecision = { pack: testPack, unit: null, confidence: 0, method: 'none', evidence: null, candidates: [] };
/** A tip at the city desk: its text names no place. */
const atDesk: Partial<Tip> = { queue: cityDeskQueue, text: neutral, routing: deskRouting, otherGeneration: null };

describe('a photo moving its tip', () => {
  it('moves a tip nothing routed to the photo’s unit, keeping its register number, with an event', async () => {
    const w = await attachmentWorld([photoFile]);
    const before = w.storeTip(atDesk);
    assert.equal((await w.scan(0, withFakeGps(files.jpeg, benThanh))).outcome, 'clean');
    assert.deepEqual(w.slot(0).photoLocation, benThanh);

    const after = w.tips.stored(w.tipId);
    assert.deepEqual([after.queue, after.unit, after.pack, after.routing.method, after.registerNumber], [otherUnit, otherUnit, testPack, 'gps', before.registerNumber]);
    assert.equal(after.version, before.version + 1);
    assert.equal(after.status, 'NEW');
    assert.equal(after.otherGeneration?.pack, 'hcmc-2021');
    const [event, ...others] = w.tips.storedEvents(w.tipId);
    assert.deepEqual(others, []);
    assert.deepEqual(
      { type: event?.type, actor: event?.actor, attachmentId: event?.attachmentId, before: event?.before, after: event?.after },
      {
        type: 'ROUTED_BY_PHOTO',
        actor: 'system:scan',
        attachmentId: w.slot(0).id,
        before: { pack: testPack, queue: cityDeskQueue, unit: null },
        after: { pack: testPack, queue: otherUnit, unit: otherUnit },
      },
    );
  });

  it('moves it once: a redelivery and a second photo change nothing more', async () => {
    const w = await attachmentWorld([photoFile, photoFile]);
    w.storeTip(atDesk);
    const notification = w.upload(0, withFakeGps(files.jpeg, benThanh));
    await scanUpload(notification, w.deps);
    const moved = w.tips.stored(w.tipId);
    assert.equal((await scanUpload(notification, w.deps)).outcome, 'done');
    await w.scan(1, withFakeGps(files.jpeg, point(exampleUnit)));
    assert.deepEqual(w.tips.stored(w.tipId), moved);
    assert.equal(w.tips.storedEvents(w.tipId).length, 1);
  });

  it('moves a tip its text routed when, read again with the photo, the photo wins; not when the text names its unit', async () => {
    const weak = await attachmentWorld([photoFile]);
    // Routed by its text, barely; read again with the photo's point, the point decides.
    weak.storeTip({ text: neutral, routing: { ...deskRouting, unit: exampleUnit, method: 'text', confidence: 0.65 } });
    await weak.scan(0, withFakeGps(files.jpeg, benThanh));
    assert.equal(weak.tips.stored(weak.tipId).unit, otherUnit);

    const strong = await attachmentWorld([photoFile]);
    const tip = strong.storeTip({ text: 'Có người bán ma túy ở phường Bàn Cờ mỗi tối' });
    await strong.scan(0, withFakeGps(files.jpeg, benThanh));
    assert.deepEqual(strong.tips.stored(strong.tipId), tip, 'the text named the unit; the photo may be from elsewhere');
    assert.equal(strong.classifierLoads.count, 1);
  });

  const unmovable: Array<[string, Partial<Tip>]> = [
    ['a unit the tipster picked', { ...atDesk, queue: exampleUnit, routing: { ...deskRouting, unit: exampleUnit, method: 'explicit', confidence: 1 } }],
    ['a point the form gave', { ...atDesk, lat: 10.8, lon: 106.7, routing: { ...deskRouting, method: 'gps' } }],
    ['an officer holding it', { ...atDesk, status: 'ASSIGNED', assignee: { id: officers.desk.id, username: officers.desk.username } }],
    ['an assignee on a NEW tip', { ...atDesk, assignee: { id: officers.desk.id, username: officers.desk.username } }],
    ['work under way', { ...atDesk, status: 'IN_PROGRESS', assignee: { id: officers.desk.id, username: officers.desk.username } }],
    ['a closed tip', { ...atDesk, status: 'REJECTED', rejection: { reason: 'spam' } }],
    ['another map', { ...atDesk, pack: 'hcmc-2021', routing: { ...deskRouting, pack: 'hcmc-2021' } }],
    ['an earlier photo', { ...atDesk, queue: otherUnit, routing: { ...deskRouting, unit: otherUnit, method: 'gps', evidence: { kind: 'point', ...benThanh, source: 'photo' } } }],
  ];
  for (const [what, overrides] of unmovable) {
    it(`never overrules ${what}, and does not load the engine to find out`, async () => {
      const w = await attachmentWorld([photoFile]);
      const tip = w.storeTip(overrides);
      assert.equal((await w.scan(0, withFakeGps(files.jpeg, point(exampleUnit === tip.unit ? '27139' : exampleUnit)))).outcome, 'clean');
      assert.deepEqual(w.tips.stored(w.tipId), tip);
      assert.equal(w.classifierLoads.count, 0);
    });
  }

  it('ignores a photo taken outside the city', async () => {
    const w = await attachmentWorld([photoFile]);
    const tip = w.storeTip(atDesk);
    await w.scan(0, withFakeGps(files.jpeg, { lat: 21.0285, lon: 105.8542 }));
    assert.equal(w.slot(0).photoLocation, undefined);
    assert.deepEqual(w.tips.stored(w.tipId), tip);
    assert.equal(w.classifierLoads.count, 0);
  });

  it('waits for the tip: a retry after the classifier stored it moves it', async () => {
    const w = await attachmentWorld([photoFile]);
    const notification = w.upload(0, withFakeGps(files.jpeg, benThanh));
    await assert.rejects(scanUpload(notification, w.deps), TipNotYetStoredError);
    w.storeTip(atDesk);
    assert.equal((await scanUpload(notification, w.deps)).outcome, 'done');
    assert.equal(w.tips.stored(w.tipId).unit, otherUnit);
  });

  it('reads the tip again after losing a race, and moves it once', async () => {
    const w = await attachmentWorld([photoFile]);
    w.storeTip(atDesk);
    await scanUpload(w.upload(0, withFakeGps(files.jpeg, benThanh)), { ...w.deps, tips: flakyTips(w.tips, 1) });
    assert.equal(w.tips.stored(w.tipId).unit, otherUnit);
    assert.equal(w.tips.storedEvents(w.tipId).length, 1);
  });
});
