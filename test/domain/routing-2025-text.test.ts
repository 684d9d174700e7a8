/**
 * Routing by text on the map in force (168 units of 1 July 2025), for each kind of place a tip
 * names: today's units with their type words, the old communes with their old districts (split
 * ones give candidates), old districts alone, names that an old district and a new ward share,
 * names that differ only by a diacritic, old type words, the former provinces' places, landmarks.
 * Where the expectation is a mapping, it is read from the administrative model, so every old
 * commune and every unit is checked, not a few examples.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { createClassifier } from '../../shared/classification/engine.ts';
import type { RoutingDecision } from '../../shared/classification/types.ts';
import { jurisdiction } from '../../shared/jurisdictions/index.ts';
import { buildAdminModel } from '../../tools/packs/admin.ts';
import { readHcmcSources } from '../../tools/packs/sources.ts';

const classifier = createClassifier({ pack: 'hcmc-2025' });
const model = buildAdminModel(readHcmcSources());
const units = jurisdiction('hcmc-2025').units;

const route = (text: string): RoutingDecision => classifier.classify({ channel: 'sms', text }).routing;

/** Removes Vietnamese diacritics, as an SMS typed without them would read. */
const strip = (text: string): string => text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D');
const folded = (text: string): string => strip(text).toLowerCase();

/** Asserts the text routes to `expected`: one unit, or (several) the city desk with exactly these candidates. */
function routes(text: string, expected: readonly string[]): void {
  const decision = route(text);
  if (expected.length === 1) {
    assert.equal(decision.unit, expected[0], text);
    return;
  }
  assert.equal(decision.unit, null, `${text}: the city desk`);
  assert.deepEqual(decision.candidates.map((c) => c.unit).sort(), [...expected].sort(), `${text}: the candidates`);
}

/** Units whose names fold to the same letters (Xã Thanh An, Xã Thạnh An). */
const twinsOf = (unit: (typeof units)[number]): string[] => units.filter((u) => u.type === unit.type && folded(u.name) === folded(unit.name)).map((u) => u.code);
const hasDiacritics = (text: string): boolean => text !== strip(text);

describe("today's units with their type words", () => {
  for (const unit of units) {
    it(`finds ${unit.name} (${unit.code}) with and without diacritics, abbreviated, and in English`, () => {
      const bare = unit.name.replace(/^(Phường|Xã|Đặc khu) /, '');
      const abbreviated = unit.type === 'Phường' ? `P.${bare}` : unit.type === 'Xã' ? `x.${bare}` : `đặc khu ${bare}`;
      const twins = twinsOf(unit);
      routes(`Có người bán ma túy ở ${unit.name}, tối nào cũng có`, hasDiacritics(bare) ? [unit.code] : twins);
      routes(`co nguoi ban ma tuy o ${folded(unit.name)} toi nao cung co`, twins);
      routes(`${abbreviated} có trộm xe`, hasDiacritics(bare) ? [unit.code] : twins);
      routes(`Someone sells drugs in ${unit.nameEn} every night`, twins);
    });
  }

  it('tells Xã Thanh An and Xã Thạnh An apart only by their diacritics', () => {
    routes('Ở xã Thạnh An có người lạ thuê đất', ['27676']);
    routes('Ở xã Thanh An, huyện Dầu Tiếng cũ có người lạ thuê đất', ['25807']);
    routes('o xa Thanh An co nhom ng la toi thue dat', ['25807', '27676']);
  });

  it('gives the unit on the 2021 map too', () => {
    const { otherGeneration } = classifier.classify({ channel: 'web', text: 'Có trộm ở phường Bàn Cờ' });
    assert.deepEqual(otherGeneration, { pack: 'hcmc-2021', unit: '770', units: ['770'], method: 'text' });
    const outside = classifier.classify({ channel: 'web', text: 'Có trộm ở phường Thủ Dầu Một' }).otherGeneration;
    assert.deepEqual(outside?.units, [], 'a ward of the former Bình Dương lies on no unit of the 2021 map');
  });
});

describe('old communes with their old districts', () => {
  const samples = model.communes.map((commune) => ({ commune, district: model.districts.find((d) => d.code === commune.district) }));

  it('cover every old commune of the three former provinces', () => {
    assert.ok(samples.length > 441);
    assert.ok(samples.every((s) => s.district));
  });

  for (const { commune, district } of samples) {
    const label = `${commune.type} ${commune.name}, ${district?.fullName}`;
    it(`reads ${label} as ${commune.targets.length === 1 ? commune.targets[0] : `one of ${commune.targets.join(', ')}`}`, () => {
      routes(`Có người bán ma túy ở ${label}, tối nào cũng có`, commune.targets);
      routes(folded(`${commune.type} ${commune.name} ${district?.fullName} co nguoi ban ma tuy`), commune.targets);
    });
  }

  it('reads the shorthand of SMS and English addresses', () => {
    routes('p22 Binh Thanh co tiem massage kich duc', ['26956']);
    routes('xe may de trong hem o p9 PN bi be khoa', ['27043']);
    routes('dg co danh nhau gan cho p17 gv', ['26884']);
    routes('p.Truong Thanh (Q9 cu) toi nao cung dua xe', ['26857']);
    routes('Two men snatched my phone outside a cafe in Ward 12, District 10.', ['27163']);
    routes('A bar in Thao Dien ward, District 2 sells nitrous balloons.', ['27094']);
    routes('p.Binh Hung Hoa B, Binh Tan co thang hay khoe sung', ['27442']);
    routes('xa Pham Van Hai Binh Chanh co nhom cho vay nang lai', ['27601', '27604']);
  });

  it('reads an old ward of a district with a name of today as the old ward (phường Phú Mỹ, quận 7)', () => {
    routes('can nha cho thue o phuong Phu My q7 ko khai bao tam tru', ['27484', '27487']);
    // Without the old district it is today's Phường Phú Mỹ.
    routes('khu tro gan cang o phuong Phu My dem qua bi trom 3 xe may', ['26704']);
  });

  it("reads today's unit when the old district beside it has no old ward of that name", () => {
    routes('Cửa hàng trong khu chợ điện tử ở phường Diên Hồng (quận 10 cũ) bán máy dựng', ['27169']);
  });
});

describe('old districts and the names they share with new wards', () => {
  it('gives the city desk every unit of an old district named alone', () => {
    for (const district of model.districts) {
      routes(`Ở ${district.fullName} có một nhóm móc túi`, model.districtTargets.get(district.code) ?? []);
    }
  });

  it('reads "phường Bình Thạnh" as the ward and "quận Bình Thạnh" or a bare "Bình Thạnh" as the old district', () => {
    routes('Có sòng bạc ở phường Bình Thạnh', ['26929']);
    const district = model.districtTargets.get('765') ?? [];
    routes('Có sòng bạc ở quận Bình Thạnh', district);
    routes('Có sòng bạc bên Bình Thạnh', district);
    routes('Ở khu chợ đêm bên Gò Vấp có nhóm móc túi', model.districtTargets.get('764') ?? []);
    routes('Có sòng bạc ở phường Gò Vấp', ['26884']);
  });

  it('tells an old township from the new commune of the same name by its type word', () => {
    const township = model.communes.find((c) => c.district === '783' && c.type === 'Thị trấn');
    assert.ok(township && township.targets.length === 1 && township.targets[0] !== '27553', 'thị trấn Củ Chi did not become xã Củ Chi');
    routes('Có trộm ở thị trấn Củ Chi', township.targets);
    routes('Có trộm ở xã Củ Chi', ['27553']);
    routes('Có trộm ở huyện Củ Chi', model.districtTargets.get('783') ?? []);
  });

  it('knows the places of the former provinces: Bình Dương and Bà Rịa–Vũng Tàu', () => {
    const targets = (name: string) => model.districtTargets.get(model.districts.find((d) => d.name === name)?.code ?? '') ?? [];
    for (const name of ['Thủ Dầu Một', 'Dĩ An', 'Thuận An', 'Bến Cát', 'Vũng Tàu', 'Bà Rịa', 'Tân Uyên', 'Phú Mỹ']) {
      assert.ok(targets(name).length > 1, name);
      routes(`Ở ${name} có người bán ma túy`, targets(name));
      routes(`o ${folded(name)} co nguoi ban ma tuy`, targets(name));
      routes(`Ở thành phố ${name} có người bán ma túy`, targets(name));
    }
    routes('Ở phường Thủ Dầu Một có người bán ma túy', ['25747']);
    routes('Ở phường Vũng Tàu có người bán ma túy', ['26506']);
    routes('Ở Côn Đảo có người bán ma túy', ['26732']);
    routes('Ở huyện Côn Đảo có người bán ma túy', ['26732']);
    routes('Một quán nhậu ở phường Phú Hòa, TP Thủ Dầu Một mở nhạc rất to', ['25750']);
    routes('Hai nhóm đánh nhau trước quán nhậu ở xã Tóc Tiên, TP Phú Mỹ', ['26728']);
    routes('toi qua o p11 tp Vung Tau co 2 ng cuop xe', ['26542']);
  });

  it('reads the old districts merged before 2025 (Quận 2, Quận 9, Quận Thủ Đức) through their wards', () => {
    const quan9 = route('Q9 có nhóm đua xe').candidates.map((c) => c.unit);
    const thuDuc = model.districtTargets.get('769') ?? [];
    assert.ok(quan9.length > 1 && quan9.length < thuDuc.length, 'Quận 9 is a part of Thủ Đức');
    assert.ok(quan9.every((u) => thuDuc.includes(u)));
  });
});

describe('landmarks and what is not the scene', () => {
  it('locates a landmark by its point on each map', () => {
    const { routing, otherGeneration } = classifier.classify({ channel: 'sms', text: 'vua bi giat dt o cho Ben Thanh' });
    assert.equal(routing.unit, '26743');
    assert.deepEqual(otherGeneration?.units, ['760']);
  });

  it('lets a named unit win over a landmark named beside it', () => {
    routes('Có trộm ở phường Sài Gòn, gần chợ Bến Thành', ['26740']);
  });

  it('lets a landmark decide when the old district written after it holds it', () => {
    routes('Trộm cắp xe máy ở chợ Bến Thành, Quận 1', ['26743']);
    routes('trom xe o cho ben thanh q1', ['26743']);
  });

  it('sends a landmark and an old district that does not hold it to the desk with both', () => {
    const district5 = route('đánh nhau ở quận 5').candidates.map((c) => c.unit);
    assert.ok(district5.length >= 3 && !district5.includes('26743'), 'old Quận 5 is several units, none of them Bến Thành');
    routes('Trộm cắp xe máy ở chợ Bến Thành, Quận 5', [...district5, '26743']);
  });

  it('reads where the tipster lives apart from where the crime happened', () => {
    routes('tôi ở quận 5, bị trộm điện thoại ở chợ Bến Thành', ['26743']);
  });

  it('ignores where suspects fled, and the police a fraudster impersonated', () => {
    routes('Vừa xảy ra cướp tiệm vàng ở phường Trung Mỹ Tây, 2 tên chạy xe về hướng xã Bà Điểm', ['26785']);
    assert.equal(route('co ng goi dien xung la cong an quan Tan Binh bat chuyen tien').unit, null);
  });

  it("routes a phone fraud to the victim's unit when the tip gives it", () => {
    routes('Mẹ tôi 68 tuổi, sống ở xã Bình Khánh, chiều nay bị gọi điện lừa chuyển 210 triệu. Số gọi đến là 0287 000 519.', ['27667']);
  });

  it('sends a tip with no usable place to the city desk without candidates', () => {
    const decision = route('co nguoi goi dien lua dao chuyen tien, bao de moi nguoi canh giac');
    assert.equal(decision.unit, null);
    assert.deepEqual(decision.candidates, []);
  });
});
