/**
 * The acceptance bars on the labelled development sets (data/tips/): the 2025 set on the map in
 * force, the 2021 set on the old map. Only id, channel, text, lat and lon reach the classifier,
 * as in `npm run classify`. Both sets were read while the engine was written, so their scores are
 * an upper bound: these bars guard against regressions, the held-out sets judge generality.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';
import { createClassifier } from '../../shared/classification/engine.ts';

interface DevTip {
  id: string;
  channel: 'web' | 'sms';
  text: string;
  lat: number | null;
  lon: number | null;
  category: string;
  urgency: string;
}

const read = <T>(name: string): T[] =>
  readFileSync(fileURLToPath(new URL(`../../data/tips/${name}`, import.meta.url)), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);

describe('development sets', () => {
  it('2021 map: district ≥ 97%, misrouted ≤ 1%, category ≥ 90%, urgency ≥ 85%', ({ annotate }) => {
    const classifier = createClassifier({ pack: 'hcmc-2021' });
    const tips = read<DevTip & { district: string | null }>('tips-dev.jsonl');
    let district = 0;
    let misrouted = 0;
    let category = 0;
    let urgency = 0;
    for (const tip of tips) {
      const result = classifier.classify({ channel: tip.channel, text: tip.text, lat: tip.lat ?? undefined, lon: tip.lon ?? undefined });
      if (result.routing.unit === tip.district) district++;
      else if (result.routing.unit !== null) misrouted++;
      if (result.category === tip.category) category++;
      if (result.urgency === tip.urgency) urgency++;
    }
    const n = tips.length;
    void annotate(`district ${((100 * district) / n).toFixed(1)}%, misrouted ${misrouted}, category ${((100 * category) / n).toFixed(1)}%, urgency ${((100 * urgency) / n).toFixed(1)}%`);
    assert.ok(district / n >= 0.97, `district accuracy ${district}/${n}`);
    assert.ok(misrouted / n <= 0.01, `misrouted ${misrouted}/${n}`);
    assert.ok(category / n >= 0.9, `category accuracy ${category}/${n}`);
    assert.ok(urgency / n >= 0.85, `urgency accuracy ${urgency}/${n}`);
  });

  it('2025 map: unit ≥ 95%, misrouted ≤ 1%, abstentions right where gold abstains, candidates found', ({ annotate }) => {
    const classifier = createClassifier({ pack: 'hcmc-2025' });
    const tips = read<DevTip & { unit: string | null; candidates: string[] }>('tips-2025-dev.jsonl');
    let correct = 0;
    let misrouted = 0;
    let abstainOk = 0;
    let abstainGold = 0;
    let candidatesFound = 0;
    let candidatesGold = 0;
    for (const tip of tips) {
      const { routing } = classifier.classify({ channel: tip.channel, text: tip.text, lat: tip.lat ?? undefined, lon: tip.lon ?? undefined });
      if (routing.unit === tip.unit) correct++;
      else if (routing.unit !== null) misrouted++;
      if (tip.unit === null) {
        abstainGold++;
        if (routing.unit === null) abstainOk++;
        if (tip.candidates.length > 0) {
          candidatesGold++;
          const got = routing.candidates.map((c) => c.unit);
          if (tip.candidates.every((c) => got.includes(c))) candidatesFound++;
        }
      }
    }
    const n = tips.length;
    void annotate(`unit ${((100 * correct) / n).toFixed(1)}%, misrouted ${misrouted}, abstain ${abstainOk}/${abstainGold}, candidates ${candidatesFound}/${candidatesGold}`);
    assert.ok(correct / n >= 0.95, `unit accuracy ${correct}/${n}`);
    assert.ok(misrouted / n <= 0.01, `misrouted ${misrouted}/${n}`);
    assert.equal(abstainOk, abstainGold, 'every tip whose gold is the city desk goes there');
    assert.ok(candidatesFound / candidatesGold >= 0.9, `candidates ${candidatesFound}/${candidatesGold}`);
  });
});
