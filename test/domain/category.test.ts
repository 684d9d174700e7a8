/**
 * Crime categories, for Vietnamese with and without diacritics and for English, and the words
 * that look like one category but belong to another.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { createClassifier } from '../../shared/classification/engine.ts';
import type { Category } from '../../shared/classification/types.ts';

const classifier = createClassifier();
const category = (text: string, chosen?: Category): Category => classifier.classify({ channel: 'web', text, category: chosen }).category;
const strip = (text: string): string => text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D');

const cases: [Category, string][] = [
  ['drugs', 'Trong hẻm có nhà bán ma túy, người nghiện ra vào cả đêm'],
  ['drugs', 'Nhóm thanh niên đang chơi đá trong phòng trọ'],
  ['gambling', 'Quán cà phê tổ chức cá độ bóng đá mỗi tối'],
  ['gambling', 'Sòng bài xóc đĩa trong xưởng bỏ hoang, có người canh cổng'],
  ['theft', 'Xe máy của tôi bị trộm trước cửa nhà lúc 2h sáng'],
  ['theft', 'Tôi bị móc túi mất ví trên xe buýt'],
  ['robbery', 'Hai thanh niên đi xe Exciter giật túi xách của một phụ nữ'],
  ['robbery', 'Bị 3 tên kề dao vào cổ lấy tiền và điện thoại'],
  ['robbery', 'Nhóm người đột nhập kho, trói bảo vệ, lấy 2 tấn thép'],
  ['fraud', 'Tôi bị lừa chuyển khoản 12 triệu mua vé máy bay giá rẻ'],
  ['fraud', 'Có người giả danh công an phường thu tiền lắp camera'],
  ['fraud', 'Taxi chặt chém khách nước ngoài, đồng hồ nhảy nhanh bất thường'],
  ['violence', 'Hai nhóm thanh niên đánh nhau bằng gậy gộc và chai bia'],
  ['violence', 'Một học sinh bị đánh hội đồng, quay clip đăng mạng'],
  ['weapons', 'Có người say rượu cầm dao rựa dọa chém người qua đường'],
  ['weapons', 'Nhà bên cạnh chế tạo súng tự chế bán cho thanh niên'],
  ['wanted_person', 'Tôi nghi người mới thuê trọ là đối tượng đang bị truy nã về tội cướp tài sản'],
  ['prostitution', 'Tiệm massage có dịch vụ kích dục, má mì đứng mời khách'],
  ['illegal_residence', 'Nhà trọ có nhiều người nước ngoài ở mà không khai báo tạm trú'],
  ['loan_sharking', 'Nhóm cho vay nặng lãi tạt sơn, ném mắm tôm vào nhà con nợ'],
  ['street_racing', 'Hàng chục thanh niên đua xe, bốc đầu, nẹt pô trên đại lộ'],
  ['public_disorder', 'Quán karaoke mở nhạc lớn tới 2h sáng, khách say la hét'],
  ['other', 'Đang có cháy lớn ở dãy ki-ốt, có người mắc kẹt trên lầu'],
  ['other', 'Xe tải đổ trộm phế thải xây dựng xuống kênh'],
  ['other', 'Có người câu trộm điện từ cột điện cho cả dãy trọ'],
  ['other', 'Cơ sở sang chiết dầu nhớt giả nhãn hiệu trong hẻm'],
  // How citizens describe frauds and thefts without the words "lừa đảo" or "trộm".
  ['fraud', 'Có người gọi điện xưng là nhân viên điện lực, bảo cài ứng dụng lạ, sau đó tài khoản ngân hàng bị rút hết tiền'],
  ['fraud', 'Người lạ gọi tự xưng là công an, nói tôi liên quan vụ án rửa tiền, bắt chuyển tiền vào tài khoản để xác minh'],
  ['fraud', 'Em gái tôi được mời làm nhiệm vụ online, nạp tiền đơn ảo rồi không rút được'],
  ['fraud', 'Tôi đặt mua điện thoại trên mạng, chuyển khoản xong người bán không giao hàng và chặn liên lạc'],
  ['fraud', 'Bà chủ hụi ôm tiền của cả xóm rồi bỏ trốn'],
  ['fraud', 'Facebook của bạn tôi bị hack, nhắn tin mượn tiền khắp danh sách bạn bè'],
  ['theft', 'Đêm qua kẻ gian phá khóa cổng, lẻn vào nhà lấy cắp laptop và tiền trong tủ'],
  ['theft', 'Mấy đêm nay có người cắt trộm dây cáp điện thoại dọc con đường'],
  ['theft', 'Đi chợ về mới biết bị rạch túi mất bóp'],
  ['violence', 'Người đàn ông say rượu cầm dao rượt đánh hàng xóm, một người bị chém vào tay chảy nhiều máu'],
];

describe('category', () => {
  it('recognises each category with diacritics', () => {
    for (const [expected, text] of cases) assert.equal(category(text), expected, text);
  });

  it('recognises each category without diacritics', () => {
    for (const [expected, text] of cases) assert.equal(category(strip(text)), expected, strip(text));
  });

  it('recognises each category in English', () => {
    const english: [Category, string][] = [
      ['drugs', 'A bartender sells ketamine and ecstasy to regulars'],
      ['theft', 'My motorbike was stolen outside the hotel'],
      ['theft', 'Our apartment was burgled while we were away'],
      ['fraud', 'Someone posing as a bank officer asked me to transfer money and read him the OTP'],
      ['drugs', 'Staff openly sell nitrous balloons and pills to customers'],
      ['public_disorder', 'Young men drinking and blasting music from a speaker until 2am, shouting at passers-by'],
      ['robbery', 'Two men on a motorbike snatched my phone'],
      ['fraud', 'A fake visa agent took our passports and money then disappeared'],
      ['violence', 'A group is beating a man in the park'],
      ['weapons', 'A man is waving a knife at people'],
      ['wanted_person', 'I think I saw the fugitive from the news'],
      ['prostitution', 'Spa places offer sex services to foreign men'],
      ['illegal_residence', 'Twenty foreigners live there and nobody registered their residence'],
      ['loan_sharking', 'Loan sharks threaten my family every day'],
      ['street_racing', 'Street racing on the bridge every night'],
      ['public_disorder', 'Loud music and drunk people shouting until 3am'],
      ['gambling', 'Illegal gambling and betting on football in the cafe'],
    ];
    for (const [expected, text] of english) assert.equal(category(text), expected, text);
  });

  it('is not fooled by words inside longer phrases or names', () => {
    assert.equal(category('Tôi giật mình khi thấy người bán ma túy'), 'drugs');
    assert.equal(category('Nhà trên đường Đào Duy Anh có người nước ngoài không khai báo tạm trú'), 'illegal_residence');
    assert.equal(category('Mất trộm điện thoại khi đi lễ chùa'), 'theft');
    assert.equal(category('Lấy dao trong cốp xe ra đe dọa người khác'), 'weapons');
    assert.equal(category('2 thang chay ve nga tu sau khi giat dien thoai'), 'robbery');
  });

  it('respects the category the tipster picked', () => {
    assert.equal(category('Có người bán ma túy', 'fraud'), 'fraud');
    assert.equal(category('Không rõ chuyện gì'), 'other');
  });
});
