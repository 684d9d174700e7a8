/**
 * A table of varied tips written from the routing rules (not taken from the development set):
 * district, and where given category and urgency. It guards the engine's general behaviour
 * against regressions when the gazetteer or the weights change.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { createClassifier } from '../../shared/classification/engine.ts';

const classifier = createClassifier({ pack: 'hcmc-2021' });

// [text, district or null, category?, urgency?]
const cases: [string, string | null, string?, string?][] = [
  ['Có người bán ma túy ở hẻm 12 đường Lê Văn Sỹ, Quận 3', '770', 'drugs'],
  ['co nguoi ban ma tuy o hem 12 duong le van sy quan 3', '770', 'drugs'],
  ['Q1 co nhom cho vay nang lai', '760', 'loan_sharking'],
  ['Q.1 co nhom cho vay nang lai', '760'],
  ['q 1 co nhom cho vay nang lai', '760'],
  ['quan1 co nhom cho vay nang lai', '760'],
  ['District 1: a man selling drugs near the backpacker area', '760', 'drugs'],
  ['Drugs sold openly in a bar in Binh Thanh district', '765', 'drugs'],
  ['Q. Binh Thanh co sòng bạc', '765', 'gambling'],
  ['Bình Thạnh có sòng bạc', '765'],
  ['BT có sòng bạc', null],
  ['TP Thủ Đức có đua xe', '769', 'street_racing'],
  ['TPTĐ có đua xe', '769'],
  ['huyện Củ Chi có đua xe', '783'],
  ['H. Hoc Mon co dua xe', '784'],
  ['Quận 2 có người bán ma túy', '769'],
  ['quan 9 co nguoi ban ma tuy', '769'],
  ['Thủ Đức có người bán ma túy', '769'],
  ['Phường 15 có người bán ma túy', null],
  ['Phường 15 Tân Bình có người bán ma túy', '766'],
  ['Phường Tân Định có người bán ma túy', '760'],
  ['số 7 đường số 3 có người bán ma túy', null],
  ['hẻm 12 có người bán ma túy, gọi 0903123456', null],
  ['xe biển số 59-X1 123.45 đua xe', null],
  ['lúc 7 giờ có người đánh nhau', null],
  ['tôi ở Q7 nhưng thấy ở chợ Bến Thành có móc túi', '760', 'theft'],
  ['toi o Q7 nhung thay o cho Ben Thanh co moc tui', '760', 'theft'],
  ['TP.HCM có nhiều vụ lừa đảo', null, 'fraud'],
  ['Ở TPHCM có lừa đảo qua mạng', null],
  ['Đường Hùng Vương có cướp giật', null, 'robbery'],
  ['trom xe o duong Le Loi', null, 'theft'],
  ['Nhà tôi ở đường Tôn Đản, Quận 4 bị trộm', '773', 'theft'],
  ['Vừa bị giật túi ở chợ An Đông', '774', 'robbery', 'high'],
  ['Có đánh nhau trước cổng bệnh viện Chợ Rẫy', '774', 'violence'],
  ['Trước cổng Đại học Bách khoa có người bán ma túy cho sinh viên', '771', 'drugs'],
  ['đua xe trên cầu Sài Gòn', null, 'street_racing'],
  ['nhom thanh nien dua xe tren duong Pham Van Dong doan Go Vap', '764'],
  ['Trong hẻm đường Nguyễn Văn Lượng, phường 17, Gò Vấp có ổ mại dâm', '764', 'prostitution'],
  ['Sòng bạc ở xã Tân Thông Hội, Củ Chi', '783', 'gambling'],
  ['Sòng bạc ở xã Tân Thông Hội', '783'],
  ['Bến xe Miền Tây có cò bán vé giả', '777', 'fraud'],
  ['Ở khu Phú Mỹ Hưng có người nước ngoài không khai báo tạm trú', '778', 'illegal_residence', 'low'],
  ['Karaoke hát tới 2h sáng ở phường 26 quận Bình Thạnh', '765', 'public_disorder', 'low'],
  ['karaoke hat toi 2h sang o P.26', '765'],
  ['I live in District 7 but I saw a robbery at Ben Thanh market just now', '760', 'robbery', 'high'],
  ['Người bị truy nã đang ngồi quán cà phê đường Nguyễn Trãi quận 5', '774', 'wanted_person', 'high'],
  ['Có cháy lớn ở chung cư Lữ Gia quận 11', '772', 'other', 'high'],
  ['Phu Nhuan co nguoi cam dao doa chem', '768', 'weapons', 'high'],
  ['PN: co nguoi cam dao doa chem', '768', 'weapons', 'high'],
  ['Thấy đối tượng truy nã ở Đồng Nai', null],
  ['Tân Phú có người cầm súng', '767', 'weapons'],
  ['Phường Tân Phú, Quận 7 có người cầm súng', '778'],
  ['ngã tư Hàng Xanh có cướp giật', '765'],
  ['Quận 13 có cướp', null],
  ['quán 7 giờ tối có nhậu say gây rối', null],
  ['Vinhomes Grand Park có trộm xe', '769'],
  ['F12 Tân Bình có trộm', '766'],
  ['p.12 q.Tân Bình có trộm', '766'],
  ['Lừa đảo online qua Zalo, tôi ở quận 10', '771', 'fraud'],
  ['Q8 P.4 đường Phạm Thế Hiển có bán ma túy', '776'],
  ['Ở phường Linh Trung có trộm', '769'],
  ['xã Phước Kiển có trộm', '786'],
  ['GV p.10 có trộm', '764'],
  ['gv p.10 có trộm', '764'],
  ['Gò Vấp, trộm chó', '764', 'theft'],
  ['Near Tan Son Nhat airport someone was robbed', '766', 'robbery'],
  ['cướp ở quận Bình Tân', '777'],
  ['cuop o Binh Tan', '777'],
  ['H.Nha Be co cho vay nang lai', '786'],
  ['đánh nhau ở khu du lịch Suối Tiên', '769'],
  ['Đường Võ Văn Kiệt đoạn quận 6 có đua xe', '775'],
  ['Có nhóm thanh niên tụ tập hút bóng cười ở công viên Gia Định, Gò Vấp', '764', 'drugs'],
  ['chợ Bà Chiểu có móc túi', '765', 'theft'],
  ['Trộm cắp ở chợ Tân Định liên tục', '760', 'theft'],
  ['khu Bàu Cát có nhà bán ma túy', '766', 'drugs'],
  ['cuop giat o vong xoay Lang Cha Ca vua xong', '766', 'robbery', 'high'],
  ['đường Phan Xích Long có quán bar bán thuốc lắc', '768', 'drugs'],
  ['Cầu Kênh Tẻ có nhóm đua xe', null, 'street_racing'],
  ['Đường Nguyễn Thị Thập Quận 7 có cướp giật', '778', 'robbery'],
  ['Nguyen Thi Thap co cuop giat', '778'],
  ['Crescent Mall có người móc túi', '778'],
  ['Đường Lê Văn Việt có sòng bạc', '769', 'gambling'],
  ['đường Quang Trung phường 10 Gò Vấp có trộm', '764'],
  ['đường Quang Trung có trộm', null],
  ['Chung cư ở đường Tô Ký quận 12 có người bán ma túy', '761'],
  ['Có ổ mại dâm ở khu công nghiệp Tân Tạo', '777', 'prostitution'],
  ['Ấp 3 xã Vĩnh Lộc A có cờ bạc', '785', 'gambling'],
  ['ap 3 xa vinh loc a co co bac', '785', 'gambling'],
  ['Thị trấn Nhà Bè có đua xe', '786'],
  ['Cần Thạnh có người đánh bạc', '787'],
  ['ở gần Đầm Sen có trộm', '772'],
  ['Khu vực bến Bạch Đằng có người bán hàng rong chèo kéo khách', '760'],
  ['Near the War Remnants Museum a man snatched my bag', '770', 'robbery'],
  ['At Bui Vien walking street someone sold me laughing gas', '760'],
  ['In Thao Dien there is a house where they sell drugs', '769', 'drugs'],
  ['Someone was stabbed on Vo Van Kiet street last night', null, 'violence'],
  ['Người nước ngoài ở khu Thảo Điền không đăng ký tạm trú', '769', 'illegal_residence', 'low'],
  ['phường 5 quận 8 có bốc họ', '776', 'loan_sharking'],
  ['Quận 8, phường 5, có nhóm cho vay lãi ngày', '776', 'loan_sharking'],
  ['Hiệp Bình Chánh có cá độ bóng đá', '769', 'gambling'],
  // The Y bridge joins Quận 5, Quận 8 and the canal bank of Quận 4: a place on a border.
  ['cầu Chữ Y có nhóm đánh nhau', null, 'violence'],
  ['Lô B chung cư Hùng Vương có người bán ma túy', '774'],
  ['Trường Chinh Tân Phú đua xe', '767'],
  ['xa Binh Hung huyen Binh Chanh co trom cho', '785'],
  ['Ngã tư Bảy Hiền có tai nạn giao thông, tài xế bỏ chạy', '766', 'other'],
  ['Chợ Lớn có người bán hàng giả', null, 'other'],
  ['Bình Chánh có người chích điện trộm chó', '785', 'theft'],
  ['Đang có người cầm súng ở quán nhậu đường Nguyễn Văn Linh', null, 'weapons', 'high'],
  ['nha toi o Go Vap, hom qua di choi Q1 bi moc tui o pho di bo Nguyen Hue', '760', 'theft'],
  ['Bến xe Miền Đông mới có móc túi', null, 'theft'],
  ['Bến xe Miền Đông cũ có móc túi', '765'],
  ['Quận 2 cũ, phường An Phú có lừa đảo', '769', 'fraud'],
  ['Có vụ cướp tiệm vàng ở Quận 10, bọn cướp cầm súng', '771', 'robbery', 'high'],
];

describe('varied tips', () => {
  it('route, categorise and rate as expected', () => {
    const failures: string[] = [];
    for (const [text, district, category, urgency] of cases) {
      const result = classifier.classify({ channel: 'sms', text });
      const got = `${result.routing.unit}/${result.category}/${result.urgency}`;
      if (result.routing.unit !== district || (category && result.category !== category) || (urgency && result.urgency !== urgency)) {
        failures.push(`${text} → ${got}, expected ${district}/${category ?? '*'}/${urgency ?? '*'}`);
      }
    }
    assert.deepEqual(failures, []);
  });
});
