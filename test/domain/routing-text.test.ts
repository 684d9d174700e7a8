/**
 * Routing by text: unit names and their forms, old names, wards, landmarks and streets, the
 * traps (numbers that are not units, places that are not the crime scene), English. Each rule is
 * checked with and without diacritics.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { createClassifier, ROUTING_CONFIDENCE_THRESHOLD } from '../../shared/classification/engine.ts';
import type { RoutingDecision } from '../../shared/classification/types.ts';

const classifier = createClassifier({ pack: 'hcmc-2021' });
const route = (text: string): RoutingDecision => classifier.classify({ channel: 'sms', text }).routing;
const district = (text: string): string | null => route(text).unit;

/** Removes Vietnamese diacritics, as an SMS typed without them would read. */
const strip = (text: string): string => text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D');

/** Asserts the text routes to `expected`, typed with and without diacritics. */
function routesBoth(text: string, expected: string | null): void {
  assert.equal(district(text), expected, text);
  assert.equal(district(strip(text)), expected, strip(text));
}

describe('unit names and their forms', () => {
  it('reads every way of writing a numbered district', () => {
    for (const form of ['Quận 1', 'quận 1', 'QUẬN 1', 'Q1', 'q1', 'Q.1', 'q.1', 'Q. 1', 'q 1', 'quan 1', 'quan1', 'District 1', 'district 1', 'Dist. 1']) {
      assert.equal(district(`${form} có người bán ma túy trong hẻm`), '760', form);
    }
  });

  it('reads named districts with and without their keyword', () => {
    routesBoth('Bình Thạnh có sòng bạc', '765');
    routesBoth('Q. Bình Thạnh có sòng bạc', '765');
    routesBoth('Q.Bình Thạnh có sòng bạc', '765');
    routesBoth('quận Gò Vấp có sòng bạc', '764');
    routesBoth('huyện Củ Chi có đua xe', '783');
    routesBoth('H. Hóc Môn có đua xe', '784');
    routesBoth('H.Cần Giờ có đua xe', '787');
    routesBoth('TP Thủ Đức có đua xe', '769');
    routesBoth('TP. Thủ Đức có đua xe', '769');
    routesBoth('thành phố Thủ Đức có đua xe', '769');
    assert.equal(district('TPTĐ có đua xe'), '769');
    assert.equal(district('tptd co dua xe'), '769');
  });

  it('reads English unit names', () => {
    assert.equal(district('Drugs are sold in a bar in Binh Thanh district'), '765');
    assert.equal(district('A fight outside a club in District 3 right now'), '770');
    assert.equal(district('Someone stole my bike in Thu Duc City'), '769');
    assert.equal(district('Pickpockets near my hotel in Go Vap'), '764');
  });

  it('takes abbreviations only where they are safe', () => {
    routesBoth('GV: có người giả công an thu tiền', '764');
    assert.equal(district('PN p.15 quán cafe mở nhạc'), '768');
    assert.equal(district('cho Ba Queo TB co nguoi ban thit heo benh'), '766');
    assert.equal(district('huyen BC xa Tan Kien trom xe'), '785');
    assert.equal(district('BTan p.Binh Tri Dong B cho vay'), '777');
    // "BT" is Bình Thạnh or Bình Tân: alone it decides nothing, a ward only one of them has does.
    assert.equal(district('hem duong so 1 BT co nha ban ma tuy'), null);
    assert.equal(district('BT p.25 co nha ban ma tuy'), '765');
    // Lower-case "gv" is also "giáo viên" (teacher).
    assert.equal(district('co gv bi lua dao qua mang'), null);
  });

  it('never takes TP.HCM, Sài Gòn or the city for a unit', () => {
    routesBoth('TP.HCM có nhiều vụ lừa đảo qua mạng', null);
    assert.equal(district('Ở TPHCM có lừa đảo qua mạng'), null);
    assert.equal(district('Saigon has a lot of scams'), null);
    routesBoth('Công an TP.HCM ơi, có người bán ma túy khắp Sài Gòn', null);
  });

  it('rejects units that do not exist', () => {
    assert.equal(district('Quận 13 có cướp'), null);
    assert.equal(district('Quận 20 có cướp'), null);
  });
});

describe('old units merged in 2021', () => {
  it('routes Quận 2, Quận 9 and Quận Thủ Đức to Thành phố Thủ Đức', () => {
    routesBoth('Quận 2 có người bán ma túy', '769');
    routesBoth('Q9 có người bán ma túy', '769');
    routesBoth('quận Thủ Đức có người bán ma túy', '769');
    routesBoth('Thủ Đức có người bán ma túy', '769');
    routesBoth('phường Thảo Điền có người bán ma túy', '769');
  });
});

describe('wards', () => {
  it('routes a named ward that only one unit has', () => {
    routesBoth('Phường Tân Định có người bán ma túy', '760');
    routesBoth('P.Bình Trị Đông A quán nhậu lấn chiếm vỉa hè', '777');
    routesBoth('xã Tân Thông Hội có sòng bạc', '783');
    routesBoth('Sòng bạc ở Tân Thông Hội', '783');
    routesBoth('xã Phước Kiển có trộm', '786');
  });

  it('needs a unit next to a numbered ward that many units have', () => {
    routesBoth('Phường 15 có người bán ma túy', null);
    routesBoth('Phường 15 Tân Bình có người bán ma túy', '766');
    assert.equal(district('P15 TB có người bán ma túy'), '766');
    assert.equal(district('F12 Tân Bình có trộm'), '766');
    assert.equal(district('p.12 q.Tân Bình có trộm'), '766');
    // A ward number that only one unit has is evidence on its own.
    routesBoth('karaoke hát tới 2h sáng ở phường 26', '765');
  });

  it('tells a commune from a landmark of the same name by its keyword', () => {
    // Phú Mỹ Hưng: the Củ Chi commune (xã) or the Quận 7 urban area.
    routesBoth('khai thác cát trái phép ở xã Phú Mỹ Hưng', '783');
    routesBoth('khu Phú Mỹ Hưng có người nước ngoài không khai báo tạm trú', '778');
    // Tân Phú: the district, or a ward of Quận 7 / Thủ Đức with "phường".
    routesBoth('Tân Phú có người cầm súng', '767');
    routesBoth('Phường Tân Phú, Quận 7 có người cầm súng', '778');
  });

  it('uses diacritics to tell apart wards that fold alike', () => {
    assert.equal(district('phường Tân Quy có trộm'), '778');
    assert.equal(district('phường Tân Quý có trộm'), '767');
    assert.equal(district('phuong Tan Quy co trom'), null);
  });
});

describe('landmarks and streets', () => {
  it('routes well-known landmarks', () => {
    routesBoth('Vừa bị giật túi ở chợ An Đông', '774');
    routesBoth('Có đánh nhau trước cổng bệnh viện Chợ Rẫy', '774');
    routesBoth('Bến xe Miền Tây có cò bán vé giả', '777');
    routesBoth('Trộm xe ở Vinhomes Grand Park', '769');
    routesBoth('ngã tư Hàng Xanh có cướp giật', '765');
    routesBoth('đánh nhau ở khu du lịch Suối Tiên', '769');
    assert.equal(district('Someone was robbed outside Ben Thanh market'), '760');
    assert.equal(district('Near Tan Son Nhat airport someone was robbed'), '766');
  });

  it('routes a street that lies in one unit, and not one that crosses units', () => {
    routesBoth('Đường Kỳ Đồng có người bán ma túy', '770');
    routesBoth('trên đường Võ Văn Ngân có cướp giật', '769');
    routesBoth('Đường Hùng Vương có cướp giật', null);
    routesBoth('trộm xe trên đường Hoàng Hoa Thám', null);
    routesBoth('trộm xe trên đường Lê Văn Sỹ', null);
    // A crossing street plus the unit settles it.
    routesBoth('trộm xe trên đường Lê Văn Sỹ, Quận 3', '770');
    routesBoth('trộm xe trên đường Lê Văn Sỹ, Phú Nhuận', '768');
  });

  it('does not route a place on a border', () => {
    routesBoth('đua xe trên cầu Sài Gòn', null);
    routesBoth('Trên cầu Phú Mỹ có nhóm thanh niên tụ tập', null);
    routesBoth('cướp giật ở ngã tư An Sương vừa xong', null);
    routesBoth('phà Bình Khánh có xe ôm chặt chém', null);
    routesBoth('Ở bến phà Bình Khánh phía Nhà Bè có xe ôm chặt chém', '786');
  });

  it('does not route a place outside the city', () => {
    routesBoth('Ký túc xá khu B có sinh viên bị đánh', null);
    routesBoth('Ở Biên Hòa có người bán ma túy', null);
  });

  it('keeps the candidates of a tip it cannot route, for the desk', () => {
    const decision = route('trộm xe trên đường Hoàng Hoa Thám');
    assert.equal(decision.unit, null);
    assert.equal(decision.method, 'none');
    assert.deepEqual(decision.candidates.map((c) => c.unit).sort(), ['765', '766']);
    assert.ok(decision.candidates.length >= 2, 'the runner-up is listed');
    assert.ok(decision.confidence < ROUTING_CONFIDENCE_THRESHOLD);
  });
});

describe('traps', () => {
  it('does not read house numbers, alleys or numbered streets as units', () => {
    routesBoth('số 7 đường số 3 có người bán ma túy', null);
    routesBoth('hẻm 12 có người bán ma túy', null);
    routesBoth('Căn nhà số 12 đường Kỳ Đồng, phường 9 cho thuê lừa đảo', '770');
    routesBoth('Bình Tân, khu Tên Lửa, hẻm đường số 7 có nhà bán ma túy', '777');
    routesBoth('quầy số 12 nhà ga quốc nội có người bị truy nã', '766');
  });

  it('does not read phone numbers, plates or times as units', () => {
    routesBoth('gọi 0903123456 báo có người bán ma túy', null);
    assert.equal(district('số người thu tiền là 0937 000 456, Quận 8'), '776');
    routesBoth('xe biển số 59-X1 123.45 đua xe', null);
    assert.equal(district('Q1: xe SH bị trộm, biển số 59-T1 456.78'), '760');
    routesBoth('lúc 7 giờ có người đánh nhau', null);
    routesBoth('quán 7 giờ tối có nhậu say gây rối', null);
    routesBoth('chờ 15p mà chưa thấy ai', null);
  });

  it('prefers the crime scene to where the tipster lives or works', () => {
    routesBoth('tôi ở Q7 nhưng thấy ở chợ Bến Thành có móc túi', '760');
    routesBoth('tôi ở quận 5, bị trộm điện thoại ở chợ Bến Thành', '760');
    assert.equal(district('I live in District 7 but I saw a robbery at Ben Thanh market just now'), '760');
    // Home is the scene when it is the only place named.
    routesBoth('Nhà tôi ở đường Tôn Đản, Quận 4 bị trộm', '773');
    routesBoth('Lừa đảo online qua Zalo, tôi sống ở quận 10', '771');
  });

  it('ignores destinations and issuing authorities', () => {
    routesBoth('Cướp giật ở đường Nguyễn Văn Trỗi Phú Nhuận, chạy về hướng sân bay', '768');
    routesBoth('Taxi ở sân bay Tân Sơn Nhất chặt chém, chở khách về Q1', '766');
    routesBoth('Thấy đối tượng bị truy nã ở Đồng Nai đang ở hẻm đường Lê Quốc Hưng Quận 4', '773');
    routesBoth('Người bán nước ở chợ Phú Thọ Quận 11 giống người bị Công an tỉnh Bình Dương truy nã', '772');
  });

  it('routes nothing when nothing is said', () => {
    const decision = route('mat xe dap o cong vien gan nha, hok nho ten cong vien');
    assert.equal(decision.unit, null);
    assert.equal(decision.method, 'none');
    assert.equal(decision.evidence, null);
  });
});

describe('evidence', () => {
  it('points at the span the tipster wrote', () => {
    const text = 'Tối qua có đánh nhau ở quận Bình Thạnh, hai người bị thương';
    const decision = route(text);
    assert.equal(decision.method, 'text');
    assert.ok(decision.evidence?.kind === 'text');
    assert.equal(decision.evidence.span, 'quận Bình Thạnh');
    assert.equal(text.slice(decision.evidence.start, decision.evidence.end), 'quận Bình Thạnh');
    assert.ok(decision.confidence >= 0.9);
  });

  it('normalises decomposed (NFD) input to NFC', () => {
    const decision = route('Quận Bình Thạnh có trộm'.normalize('NFD'));
    assert.equal(decision.unit, '765');
    assert.ok(decision.evidence?.kind === 'text');
    assert.equal(decision.evidence.span, 'Quận Bình Thạnh');
  });
});
