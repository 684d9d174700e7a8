/**
 * A labelled set of reports for the duplicate rule (shared/incidents/rule.ts): reports of the
 * same incident share an `incident` label. Each report is classified by the real engine (its
 * unit, category and routing come from its text and point), then read by the incident reader,
 * so the set tests the whole reading, not hand-made features.
 *
 * Written to be hard where it matters: several incidents on one street (Lê Văn Sỹ) in one
 * evening, of one category at two house numbers, web reports with diacritics and GPS beside SMS
 * without diacritics or in shorthand, two fights a few hundred metres apart across a ward
 * border, and a fraud reported twice in the same words with no place at all.
 */
import { classifierFor } from '../../shared/classification/engine.ts';
import { createIncidentReader, type IncidentFeatures } from '../../shared/incidents/features.ts';
import { cityDeskQueue } from '../../shared/jurisdictions/index.ts';

/** One labelled report. */
export interface LabelledReport {
  readonly id: string;
  /** Reports of one incident share this label. */
  readonly incident: string;
  /** Minutes after the start of the evening (21:00 in Hồ Chí Minh City). */
  readonly minutes: number;
  readonly text: string;
  readonly lat?: number;
  readonly lon?: number;
}

/** 21:00 on 24 November 2026 in Hồ Chí Minh City. */
const evening = Date.parse('2026-11-24T14:00:00.000Z');

export const labelledReports: readonly LabelledReport[] = [
  // A street race on Lê Văn Sỹ: a web report with its point, two SMS without diacritics.
  { id: 'race-web', incident: 'race-le-van-sy', minutes: 0, text: 'Có nhóm thanh niên đua xe, nẹt pô ầm ĩ trên đường Lê Văn Sỹ, rất nguy hiểm cho người đi đường', lat: 10.7893, lon: 106.6787 },
  { id: 'race-sms-1', incident: 'race-le-van-sy', minutes: 6, text: 'dang co dua xe tren duong le van sy, bop coi no po om som ca khu' },
  { id: 'race-sms-2', incident: 'race-le-van-sy', minutes: 25, text: 'mn oi tu nay toi gio tui no dua xe le van sy lang lach nguy hiem qua' },
  // A motorbike stolen at number 120 Lê Văn Sỹ, reported twice.
  { id: 'theft-120-web', incident: 'theft-120', minutes: 40, text: 'Bị trộm xe máy Wave trước nhà số 120 Lê Văn Sỹ, kẻ trộm mặc áo đen' },
  { id: 'theft-120-sms', incident: 'theft-120', minutes: 70, text: 'xe may cua toi bi trom truoc nha so 120 duong le van sy, ten trom mac ao den chay mat' },
  // Another theft, the same hour, the same street, another number.
  { id: 'theft-480', incident: 'theft-480', minutes: 55, text: 'Vừa bị móc túi mất điện thoại trong quán cà phê ở hẻm 480 Lê Văn Sỹ' },
  // Drugs sold in alley 45, reported a day apart; drugs in alley 12, another spot.
  { id: 'drugs-45-web', incident: 'drugs-45', minutes: 10, text: 'Có người bán ma túy trong hẻm 45 Lê Văn Sỹ, thường xuyên có người lạ ra vào' },
  { id: 'drugs-45-sms', incident: 'drugs-45', minutes: 10 + 26 * 60, text: 'hem 45 le van sy co ban ma tuy, nguoi la ra vao lien tuc ca ngay' },
  { id: 'drugs-12', incident: 'drugs-12', minutes: 90, text: 'co doi tuong ban ma tuy o hem 12 duong le van sy' },
  // Gambling in a café on Lê Lợi: a web report with its point, an SMS.
  { id: 'gambling-web', incident: 'gambling-le-loi', minutes: 30, text: 'Quán cà phê trên đường Lê Lợi quận 1 tổ chức đánh bạc, cá độ bóng đá', lat: 10.7735, lon: 106.699 },
  { id: 'gambling-sms', incident: 'gambling-le-loi', minutes: 95, text: 'quan cafe duong le loi q1 co danh bac ca do bong da moi toi' },
  // A bag snatched at Bến Thành market, reported twice; a robbery there two days later.
  { id: 'snatch-web', incident: 'snatch-ben-thanh', minutes: 15, text: 'Vừa có vụ giật túi xách của du khách gần chợ Bến Thành, 2 tên đi xe SH', lat: 10.77277, lon: 106.69516 },
  { id: 'snatch-sms', incident: 'snatch-ben-thanh', minutes: 45, text: '2 thanh nien di SH giat tui xach cua khach du lich o cho Ben Thanh' },
  { id: 'robbery-later', incident: 'robbery-ben-thanh-later', minutes: 15 + 50 * 60, text: 'Cướp điện thoại của người đi bộ gần chợ Bến Thành, đối tượng dùng dao đe dọa' },
  // A street race the same night on another street.
  { id: 'race-other-street', incident: 'race-pham-van-dong', minutes: 20, text: 'Nhóm thanh niên đua xe trên đường Phạm Văn Đồng lúc nửa đêm' },
  // A caller posing as the police, reported twice hours apart with no place; an online shopping fraud.
  { id: 'fraud-call-1', incident: 'fraud-call', minutes: 60, text: 'co nguoi goi dien tu xung la cong an yeu cau chuyen tien vao tai khoan de dieu tra' },
  { id: 'fraud-call-2', incident: 'fraud-call', minutes: 60 + 5 * 60, text: 'toi nhan duoc cuoc goi tu xung cong an bat chuyen tien vao tai khoan dieu tra' },
  { id: 'fraud-online', incident: 'fraud-online', minutes: 120, text: 'Bị lừa đảo khi mua hàng online trên Facebook, chuyển khoản rồi không nhận được hàng' },
  // A fight in front of a bar, reported from either side of a ward border; another fight 2.5 km away.
  { id: 'fight-web', incident: 'fight-bar', minutes: 100, text: 'Hai nhóm thanh niên đánh nhau bằng hung khí trước quán nhậu', lat: 10.7626, lon: 106.6822 },
  { id: 'fight-web-2', incident: 'fight-bar', minutes: 115, text: 'dang co danh nhau to lon co dao kiem ngay quan nhau', lat: 10.7639, lon: 106.6825 },
  { id: 'fight-elsewhere', incident: 'fight-crossroads', minutes: 105, text: 'Có đánh nhau ở ngã tư, nhiều người bị thương', lat: 10.78, lon: 106.67 },
  // A robbery in the same ward as the snatch, 800 m away, soon after: another victim.
  { id: 'robbery-same-ward', incident: 'robbery-nguyen-hue', minutes: 35, text: 'Bị cướp giật điện thoại khi đang đứng chờ xe buýt', lat: 10.7766, lon: 106.7013 },
  // Unrelated reports of the same categories, with no place, later.
  { id: 'drugs-no-place', incident: 'drugs-field', minutes: 600, text: 'thấy mấy thanh niên tụ tập hút cần sa ở bãi đất trống' },
  { id: 'theft-no-place', incident: 'theft-home', minutes: 48 * 60, text: 'nha toi bi trom mat xe may dem qua' },
  // Loan-shark flyers on Nguyễn Trãi: one report.
  { id: 'loan-flyers', incident: 'loan-nguyen-trai', minutes: 130, text: 'Dán tờ rơi cho vay nặng lãi khắp đường Nguyễn Trãi' },
];

/** The reports classified and read as the classifier reads them, on the map in force. */
export function labelledFeatures(pack = 'hcmc-2025'): Map<string, IncidentFeatures> {
  const classifier = classifierFor(pack);
  const reader = createIncidentReader(classifier.resolver.finder);
  const features = new Map<string, IncidentFeatures>();
  for (const report of labelledReports) {
    const channel = report.lat === undefined ? 'sms' : 'web';
    const classification = classifier.classify({ channel, text: report.text, lat: report.lat, lon: report.lon });
    const receivedAt = new Date(evening + report.minutes * 60_000).toISOString();
    features.set(
      report.id,
      reader.read({
        id: report.id,
        pack,
        queue: classification.routing.unit ?? cityDeskQueue,
        unit: classification.routing.unit,
        receivedAt,
        classifiedAt: receivedAt,
        category: classification.category,
        channel,
        text: report.text,
        lat: report.lat,
        lon: report.lon,
        routing: classification.routing,
      }),
    );
  }
  return features;
}
