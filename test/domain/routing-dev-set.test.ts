/**
 * The acceptance bar on the development set (data/tips/tips-dev.jsonl):
 * district accuracy ≥ 97%, misrouted ≤ 1%, category ≥ 90%, urgency ≥ 85%. Only id, channel,
 * text, lat and lon reach the classifier, as in `npm run classify`.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { createClassifier } from '../../shared/classification/engine.ts';

const devSet = fileURLToPath(new URL('../../data/tips/tips-dev.jsonl', import.meta.url));

describe('development set', () => {
  it('meets the acceptance bar', ({ annotate }) => {
    const classifier = createClassifier();
    const tips = readFileSync(devSet, 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as { id: string; channel: 'web' | 'sms'; text: string; lat: number | null; lon: number | null; district: string | null; category: string; urgency: string });
    let district = 0;
    let misrouted = 0;
    let category = 0;
    let urgency = 0;
    for (const tip of tips) {
      const result = classifier.classify({ channel: tip.channel, text: tip.text, lat: tip.lat ?? undefined, lon: tip.lon ?? undefined });
      if (result.routing.district === tip.district) district++;
      else if (result.routing.district !== null && tip.district !== null) misrouted++;
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
});
