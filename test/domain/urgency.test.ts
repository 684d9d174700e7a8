/**
 * Urgency: high for danger now, low for past events, nuisances and vague reports, normal
 * otherwise; with and without diacritics.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { createClassifier } from '../../shared/classification/engine.ts';
import type { Urgency } from '../../shared/classification/types.ts';

const classifier = createClassifier();
const urgency = (text: string): Urgency => classifier.classify({ channel: 'sms', text }).urgency;
const strip = (text: string): string => text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D');

function both(text: string, expected: Urgency): void {
  assert.equal(urgency(text), expected, text);
  assert.equal(urgency(strip(text)), expected, strip(text));
}

describe('urgency', () => {
  it('is high for a crime in progress or just done', () => {
    both('Đang có hai nhóm đánh nhau trước quán nhậu', 'high');
    both('Vừa bị giật điện thoại, tụi nó chạy về hướng chợ', 'high');
    both('DANG co dua xe tren dai lo, khoang 30 xe', 'high');
    both('Có nhóm đang chơi đá trong phòng 304', 'high');
    assert.equal(urgency('Two men just snatched a phone from a tourist right now'), 'high');
  });

  it('is high for a weapon out, a fire, a life at risk', () => {
    both('Có người say rượu cầm dao rựa đứng giữa đường dọa chém', 'high');
    both('Đang có cháy lớn, khói đen bốc cao', 'high');
    both('Có cô gái ngồi trên lan can muốn nhảy xuống, cần hỗ trợ gấp', 'high');
  });

  it('is high for a wanted person seen now, normal for one known to live somewhere', () => {
    both('Vừa thấy đối tượng truy nã đang ngồi quán net', 'high');
    both('Đối tượng truy nã đang ở nhà mẹ ruột, ban ngày đi làm rẫy, tối về ngủ', 'normal');
    both('Tôi nghi người mới thuê trọ là đối tượng đang bị truy nã', 'normal');
    assert.equal(urgency('I saw a man who looks like the fugitive this morning'), 'normal');
  });

  it('is normal for habits, workshops and yesterday', () => {
    both('Tối nào cũng có nhóm đua xe, nẹt pô', 'normal');
    both('Nhà bên chế tạo súng tự chế bán cho thanh niên', 'normal');
    both('Tối qua bị trộm xe trước cửa nhà', 'normal');
    both('Có nhà bán ma túy, khách ra vào cả đêm', 'normal');
  });

  it('is low for past events, nuisances and vague reports', () => {
    both('Tháng trước tôi bị mất trộm điện thoại khi đi lễ', 'low');
    both('Quán karaoke hát tới 2h sáng, người say bóp còi', 'low');
    both('Nhà trọ có người nước ngoài không khai báo tạm trú', 'low');
    both('Vỉa hè bị quán ăn lấn chiếm hết', 'low');
    both('Mất xe đạp ở công viên, không nhớ tên công viên', 'low');
  });

  it('is not fooled by names or other words that fold alike', () => {
    // Đặng, Bạch Đằng are not "đang"; "gặp" is not "gấp".
    assert.equal(urgency('Nhà trên đường Bạch Đằng có người bán ma túy'), 'normal');
    assert.equal(urgency('Thấy người giống đối tượng truy nã Đặng Văn A ở quán phở hôm trước'), 'normal');
    assert.equal(urgency('Tôi đã gặp người cho vay nặng lãi ở chợ'), 'normal');
  });
});
