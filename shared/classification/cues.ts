/**
 * Cue phrases for category and urgency, Vietnamese (with or without diacritics) and English,
 * matched leftmost-longest over the folded tokens so that a longer phrase hides the words inside
 * it: "câu trộm điện" (electricity theft → other) is not read as "trộm" (theft), "đổ trộm rác"
 * (dumping) neither, "giật mình" (startled) is no snatching, "đang bị truy nã" is a status,
 * not a crime in progress.
 *
 * A cue written with diacritics whose folded form is ambiguous lists the spellings it accepts
 * (`đang` is not `Đặng` or `Đằng`, `gấp` is not `gặp`): a tip typed with diacritics must use one
 * of them; a tip typed without any is given the benefit of the doubt.
 */
import type { Category } from './types.ts';
import { FirstTokenIndex, PhraseTrie } from './phrase-trie.ts';
import type { Token } from './vietnamese-text.ts';
import { hasDiacritics } from './vietnamese-text.ts';

/** Urgency signals a phrase may carry. */
export type UrgencySignal =
  | 'ongoing'
  | 'just'
  | 'urgent'
  | 'emergency'
  | 'threat'
  | 'sighting'
  | 'momentary'
  | 'status'
  | 'habitual'
  | 'past'
  | 'recent'
  | 'vague'
  | 'nuisance'
  | 'manufacture'
  | 'force'
  | 'taking';

export interface Cue {
  readonly category?: Category;
  readonly weight: number;
  readonly signals: readonly UrgencySignal[];
  /** Not a cue when written capitalised before another capitalised word (a name: "Dang Van Ngu"). */
  readonly notBeforeName?: boolean;
}

/** A cue found in a tip. */
export interface CueMatch {
  readonly cue: Cue;
  readonly start: number;
  readonly end: number;
}

/** phrase:weight pairs by category. */
const CATEGORY_CUES: Record<Category, string> = {
  drugs:
    'ma túy:6|ma tuý:6|matuy:6|thuốc lắc:6|bay lắc:6|ke đá:5|chơi ke:5|bán ke:5|hít ke:5|chơi đá:5|hút đá:5|hàng đá:4|ma túy đá:6|cỏ mỹ:4|cần sa:5|hút cỏ:4|bồ đà:5|heroin:6|hê rô in:6|cocaine:6|ketamine:6|ecstasy:6|meth:5|methamphetamine:6|marijuana:5|cannabis:5|weed:3|drug:5|drugs:5|dealer:3|dealing:3|kim tiêm:3|tiêm chích:4|chích:2|nghiện:3|dân nghiện:3|con nghiện:4|sử dụng ma túy:6|tụ điểm ma túy:6|nước vui:4|hàng trắng:3|tép:2|bột trắng:2|bóng cười:3|khí cười:3|syringe:3|needles:2|special menu:2|nitrous:5|nitrous oxide:5|laughing gas:5|balloons:2.5|pills:3|party drugs:5|ketamin:6|kẹo ke:5|ke:2|nước xoài:3|bóng cười:3.5|bình khí cười:4',
  gambling:
    'cờ bạc:5|đánh bài:5|đánh bạc:5|sòng bài:5|sòng bạc:5|xóc đĩa:5|đá gà:5|gà đá:4|cá độ:4|cá cược:4|lô đề:5|số đề:5|ghi đề:5|bài cào:5|tài xỉu:4|casino:4|gambling:5|gamble:4|betting:4|bets:3|ghi kèo:3|bida ăn tiền:4|đánh bài ăn tiền:5|binh xập xám:5|tá lả:4|phỏm:4',
  theft:
    'trộm:4|ăn trộm:4|mất trộm:5|kẻ trộm:4|trộm cắp:5|lấy trộm:5|bị trộm:5|trom:4|móc túi:5|bẻ khóa:4|bẻ khoá:4|cạy cửa:4|đột nhập:3|mất cắp:5|bị mất:2|mất xe:4|mất điện thoại:4|mất ví:4|mất túi:3|stolen:5|stole:5|steal:4|theft:5|thief:5|thieves:5|pickpocket:5|pickpocketed:5|burglary:5|broke into:4|trộm chó:5|câu trộm chó:5|trộm điện thoại:5|trộm đt:5|trộm dt:5|trộm xe:5|ăn cắp:4.5|lấy cắp:5|bị lấy cắp:5|mất cắp tài sản:5|cuỗm:4|chôm:3.5|chôm chỉa:4|phá khóa:4|phá khoá:4|cắt khóa:4|cắt khoá:4|leo rào:3|trèo tường:3|trèo rào:3|lẻn vào:3.5|đột nhập vào nhà:5|rạch túi:5|rạch bóp:5|mất trộm xe:5|bị trộm mất:5|trộm mất:5|trộm đồ:5|trộm tài sản:5|trộm tiền:5|trộm vàng:5|trộm laptop:5|hút trộm:4.5|trộm xăng:5|trộm cáp:5|cắt trộm:5|trộm dây điện:5|trộm sắt:4.5|trộm gà:4|trộm cây:4|trộm bình:4|trộm biển số:4|trộm gương:4|trộm pin:4|đồ ăn cắp:4|tiêu thụ đồ trộm:4|kẻ gian:3.5|bị mất xe:5|bị mất điện thoại:5|bị mất ví:5|bị mất trộm:5|mất bóp:4|mất laptop:4|mất tiền trong nhà:4|burglar:5|burglars:5|burgled:5|broken into:4|shoplifting:5|shoplifter:5|was taken:2.5|were taken:2.5|went missing from:2',
  robbery:
    'cướp:5|cuop:5|cướp giật:6|giật:4|giật túi:5|giật điện thoại:5|giật dây chuyền:5|giật đt:5|giật dt:5|giật ví:5|trấn lột:5|cướp tài sản:5|robbed:5|robbery:5|robber:5|robbers:5|mugged:5|mugging:5|snatched:5|snatch:5|snatching:5|held up:4|at knifepoint:4',
  fraud:
    'lừa đảo:5|lừa:4|bị lừa:4.5|lua dao:5|giả danh:4.5|mạo danh:4.5|giả mạo:4|giả cán bộ:5|giả công an:5|giả làm:3|chiếm đoạt:4|tráo:3|tráo tiền:4|đa cấp:4|việc nhẹ lương cao:5|lương cao:1|scam:5|scammed:5|scammer:5|scammers:5|fraud:5|fraudulent:5|fake:3|cheated:4|conned:5|ponzi:5|chặt chém:3|đồng hồ nhảy:3|chạy nhanh bất thường:2|ôm tiền:3|quỵt:3|vỡ hụi:4|tiền giả:4|vé giả:4|chuyển khoản:1.5|đặt cọc:1.5|chặn liên lạc:2|chặn số:2|nạp tiền:2|nạp thêm:2|đầu tư:1|sàn chứng khoán:3|sàn đầu tư:3|sàn ảo:4|thu tiền:1|hồ sơ:0.5|cò đổi tiền:4|cò đổi đô:4|cò vé:3|cò mồi:3|phishing:5|disappeared:2.5|vanished:2.5|then disappeared:3|biến mất:2.5|bỏ trốn:2|visa agent:2|lừa đảo qua mạng:6|lừa đảo trực tuyến:6|lừa đảo chiếm đoạt:6|chiếm đoạt tài sản:4.5|xưng là:3|tự xưng:3|tự xưng là:3|xưng là công an:5|xưng là cán bộ:5|xưng là nhân viên:4.5|giả danh nhân viên:5|giả làm nhân viên:5|giả danh ngân hàng:5|giả danh công an:5|mạo danh công an:5|mạo danh ngân hàng:5|gọi điện đe dọa:2|yêu cầu chuyển tiền:5|bắt chuyển tiền:5|bắt chuyển:4|chuyển tiền vào tài khoản:4.5|chuyển tiền:2|chuyển vào tài khoản:3.5|chuyển vào tk:3.5|chuyen vao tk:3.5|rút hết tiền:4.5|bị rút tiền:5|bị rút hết:5|tài khoản bị rút:5|tài khoản ngân hàng:2|mất tiền trong tài khoản:5|cài ứng dụng:4|cài app:4|cài đặt ứng dụng:4|ứng dụng lạ:4.5|app lạ:4.5|đường link:3|link lạ:4.5|bấm vào link:4.5|nhấn vào link:4.5|mã otp:5|otp:4|làm nhiệm vụ:4|nhiệm vụ online:5|việc làm online:4|việc online:3|đơn ảo:5|tiền ảo:3|đầu tư tiền ảo:5|trúng thưởng:4|nhận thưởng:3|phí nhận quà:5|hack facebook:4|hack zalo:4|bị hack:3|nick bị hack:4|mượn tiền:2|nhắn tin mượn tiền:4.5|không giao hàng:4|không nhận được hàng:4|nhận tiền rồi:3|hứa hẹn:2|phí hồ sơ:3.5|xuất khẩu lao động:3|rửa tiền:3|phong tỏa tài khoản:4|liên quan vụ án:3|lệnh bắt:2|xác minh tài khoản:4|giật hụi:5|chơi hụi:3|hụi:2.5|bán đất ảo:5|sổ đỏ giả:5|dự án ma:5|thay vỏ:3|hàng dựng:3|scam call:6|scam calls:6|fake police:6|posing as:4|pretending to be:4|claimed to be:3|impersonating:4|impersonated:4|asked me to transfer:5|transfer money:3|transferred money:3|bank account:2|never delivered:4|took the deposit:4|deposit:2|phishing link:6|fake website:5|fake app:5|investment app:4|online job:3',
  violence:
    'đánh nhau:4|đánh:2.5|đánh hội đồng:4.5|hành hung:4.5|ẩu đả:4|xô xát:3.5|chém:3|chém nhau:3.5|bị chém:3.5|bị đâm:3.5|đâm người:3.5|đâm chém:3.5|bị thương:2|trọng thương:3|nhập viện:1.5|chảy máu:2|bạo hành:4.5|đánh đập:4|đánh người:4|đánh vợ:4.5|fight:4|fighting:4|fought:4|brawl:4|beat:3.5|beaten:3.5|beating:3.5|assault:4|assaulted:4|attacked:3.5|stabbed:3.5|injured:2|bleeding:2|rách đầu:2.5|khâu:1|bất tỉnh:1.5|bất động:1|nằm đường:1.5|gậy gộc:2|cây sắt:1.5|chai bia:1.5|gạch đá:2|ném đá:2.5|đập:1|rượt đánh:4|rượt chém:4.5|đuổi đánh:4|đuổi chém:4.5|chảy nhiều máu:2.5|bị chém vào:4|bị đâm vào:4|đánh trọng thương:5|bị đánh:3.5',
  weapons:
    'dao:3|cầm dao:6|rút dao:6|vung dao:6|dí dao:4|kề dao:4|dao rựa:4.5|mã tấu:5|dao bấm:4.5|dao găm:4.5|súng:5.5|súng tự chế:5|súng hoa cải:5|súng bắn bi:4|súng côn:5|súng ngắn:5|súng săn:4|đạn:2|lựu đạn:5|vũ khí:4|hung khí:3|chế tạo súng:5|dọa chém:3|dọa đâm:3|gun:4.5|guns:4.5|pistol:5|rifle:5|knife:4.5|knives:4.5|machete:5|sword:4|armed:3|weapon:4|weapons:4|shooting:4|bom:1',
  wanted_person:
    'truy nã:8|truy na:8|đang bị truy nã:8|trốn truy nã:8|lệnh truy nã:8|đối tượng truy nã:8|bị truy nã:8|wanted:5|fugitive:8|on the run:4|vượt ngục:6|trốn trại:5|trốn trại giam:6|escaped prisoner:6|trốn nã:6',
  prostitution:
    'mại dâm:6|bán dâm:6|mua bán dâm:6|mua dâm:6|gái gọi:5|gái bán hoa:5|chứa gái:5|kích dục:5|massage kích dục:6|cafe ôm:5|cà phê ôm:5|karaoke ôm:5|tay vịn:4|em út:3|má mì:5|tú bà:5|đứng đường:3|gái:2|massage trọn gói:4|sex:4|sex services:6|sexual services:6|sex workers:6|prostitution:6|prostitutes:6|prostitute:6|brothel:6|happy ending:5|escort:3|gái mại dâm:6|kích dục:5|đèn đỏ:1|tiếp viên:1',
  illegal_residence:
    'tạm trú:5|khai báo tạm trú:5|đăng ký tạm trú:5|lưu trú:4|khai báo lưu trú:5|không khai báo:4|ko khai báo:4|k khai báo:4|cư trú:3|nhập cảnh trái phép:5|quá hạn visa:4|visa hết hạn:4|hết hạn visa:4|không đăng ký:2|người nước ngoài:1.5|registered their residence:5|register their residence:5|residence registration:5|registered:2|residence:2|without permits:3|work permits:1|overstay:5|overstaying:5|illegal immigrants:5|illegal immigrant:5|foreigners:1.5|không giấy tờ:2|nhập cảnh lậu:5|xuất cảnh trái phép:4',
  loan_sharking:
    'cho vay nặng lãi:6|vay nặng lãi:6|nặng lãi:5|tín dụng đen:6|bốc họ:5|góp ngày:4|vay góp:4|cho vay:3|vay:1.5|lãi ngày:3|lãi suất:2|tiền lãi:2|đòi nợ:3.5|siết nợ:3.5|khủng bố đòi nợ:5|tạt sơn:4|ném sơn:4|bom sơn:4|tạt mắm tôm:4|ném mắm tôm:4|mắm tôm:3|chất bẩn:2|app vay:4|vay qua app:4|vay app:4|vay online:3|vay tiền:2|trả nợ:2|con nợ:3|loan shark:6|loan sharks:6|debt collector:4|debt collectors:4|interest:1|ghép ảnh:2|tín dụng:1',
  street_racing:
    'đua xe:6|bốc đầu:4|nẹt pô:3.5|lạng lách:4|đánh võng:4|quái xế:4|street racing:6|racing:5|race:3|drag race:6|chạy vòng vòng:2|tốc độ cao:2|rú ga:2.5|xe độ:1.5|wheelie:4|wheelies:4',
  public_disorder:
    'gây rối:4|ồn ào:3|gây ồn:3|ồn quá:3|karaoke:2.5|hát karaoke:3|mở nhạc lớn:4|mở nhạc:2.5|nhạc lớn:3|mở loa:3|nhạc sàn:3|loa kéo:3|say xỉn:3|nhậu say:3|khách say:3|say rượu:2|say:1|chửi bới:2.5|chửi lộn:3|chửi:1.5|la hét:2|bóp còi:2|gây gổ:3|chèo kéo:4|tụ tập:2|cãi nhau:2|cự cãi:2|noise:3|noisy:3|loud:2.5|loud music:4|drunk:2.5|nuisance:3|quấy rối:3|vẽ bậy:3|xả rác:2|đốt lửa:1.5|chặn làn đường:3|chặn đường:1.5|đậu xe:1|lấn làn:1.5|ăn xin:2|trộm vía:0|harass:3|blasting music:4|music blasting:4|loud music until:4|shouting:2.5|yelling:2.5|drinking:2|drunken:3|brawling drunk:3|partying:2|karaoke until:4|hát loa kẹo kéo:4|loa kẹo kéo:4|hát karaoke kéo:4',
  other:
    'cháy:5|cháy lớn:6|bốc cháy:6|đám cháy:6|vụ cháy:6|cháy nhà:6|cháy lan:5|hỏa hoạn:5|khói:3|khói bốc:4|khói đen:4|bốc khói:4|cháy nổ:3|tiếng nổ:3|nổ súng:3|fire:5|smoke:3|tự tử:6|tự sát:6|nhảy lầu:5|muốn nhảy:4|nhảy cầu:5|suicide:6|jump:2|đổ trộm:5|đổ rác:3|rác thải:3|phế thải:4|xả thải:4|khai thác cát:5|hút cát:4|cát trái phép:5|phá rừng:5|chặt phá rừng:5|rừng đước:2|thực phẩm bẩn:4|không rõ nguồn gốc:2.5|ko rõ nguồn gốc:2.5|heo bệnh:3|an toàn thực phẩm:4|nhãn mác:3|không nhãn mác:4|hàng giả:4|giả nhãn hiệu:4|hàng nhái:3|hàng lậu:3|buôn lậu:4|câu trộm điện:6|ăn cắp điện:6|câu điện trái phép:6|lấn chiếm:2.5|xây dựng trái phép:4|lấn sông:3|lán trại trái phép:3|trái phép:1|bóc lột:3|vé số:1|trẻ em:1|dụ dỗ:3|bắt cóc:4|cho kẹo:2|kẹo:2|người lạ:1.5|tai nạn:3|mắc kẹt:3|đuối nước:4|sập:2|ô nhiễm:3|mùi hôi:1|counterfeit:4|dumping:4|kidnap:4|missing:2'
};

/** phrase → urgency signals. */
const URGENCY_CUES: readonly [string, UrgencySignal[]][] = [
  ...words('đang|hiện đang|vẫn đang|còn đang|đang có|ngay lúc này|ngay bây giờ|bây giờ|lúc này|hiện tại|right now|now|currently|is happening|happening now|in progress|still|vẫn còn|chưa đi|chưa thấy', ['ongoing']),
  ...words('đang xảy ra|đang diễn ra', ['ongoing', 'urgent']),
  ...words('vừa|vừa mới|vừa xong|mới xảy ra|lúc nãy|khi nãy|ban nãy|hồi nãy|just now|just saw|just happened|just been|has just|have just|was just|were just|minutes ago|phút trước|mới đây', ['just']),
  ...words('gấp|cần gấp|tới gấp|đến gấp|khẩn cấp|cứu|cứu với|cứu tôi|help|urgent|hurry|please hurry|come quickly|mau lên|nhanh lên|tới ngay|đến ngay|cần công an|cần hỗ trợ', ['urgent']),
  ...words('cháy|bốc cháy|đám cháy|cháy lớn|cháy lan|vụ cháy|khói bốc|khói đen|bốc khói|hỏa hoạn|khói|tự tử|tự sát|nhảy lầu|muốn nhảy|nhảy xuống|nhảy cầu|mắc kẹt|đuối nước|fire|smoke|suicide|trapped|chảy máu|bất tỉnh|bất động|nằm bất động', ['emergency']),
  ...words('dọa chém|dọa giết|dọa đâm|dọa đánh|đòi đánh|hành hung|đe dọa|cầm dao|cầm súng|rút dao|vung dao|threatening|threatened', ['threat']),
  ...words('thấy|nhìn thấy|phát hiện|gặp|saw|seen|spotted|see', ['sighting']),
  ...words('đang ngồi|đang ăn|đang đứng|đang nhậu|đang chơi|đang uống|đang làm thủ tục|đang có mặt|is sitting|is eating|is standing|is here|is there', ['momentary', 'ongoing']),
  ...words('sợ cháy|nguy cơ cháy|sợ cháy nổ|nguy cơ cháy nổ|phòng cháy|chống cháy|dễ cháy', []),
  ...words('đang bị truy nã|đang truy nã|đang sinh sống|đang sống|đang thuê|đang cư trú|đang làm thuê|đang bị|đang làm việc|hiện đang ở', ['status']),
  ...words('thường|thường xuyên|hay|mỗi|hằng|nào cũng|cuối tuần|ban ngày|tối về|every|often|usually|always|regularly|suốt|lúc nào cũng|liên tục|thâu đêm|lâu nay|nhiều lần|từ lâu|mấy tháng nay|mấy hôm nay|dạo này|hàng ngày|hằng ngày|hằng đêm|hằng tuần|chuyên|chuyên đi|mấy đêm nay|mấy tuần nay|mấy ngày nay|mấy bữa nay|đêm nào|tối nào|chiều nào|sáng nào|ngày nào|every night|every day|every weekend|night after night|for weeks|for months', ['habitual']),
  ...words('tháng trước|tuần trước|năm ngoái|năm trước|hôm trước|mấy hôm trước|hồi tháng|cách đây|last month|last week|last year|weeks ago|months ago|tuần rồi|tháng rồi|giờ mới biết|đầu năm|hôm kia|mấy ngày trước|vài ngày trước|days ago|a few days ago|last monday|last tuesday|last wednesday|last thursday|last friday|last saturday|last sunday|last weekend', ['past']),
  ...words('hôm qua|tối qua|đêm qua|chiều qua|sáng qua|trưa qua|tối hôm qua|yesterday|last night|sáng nay|hôm nay|this morning|sáng sớm', ['recent']),
  ...words('không nhớ|ko nhớ|hok nhớ|k nhớ|không rõ|don t know|dont know|không biết ở đâu|somewhere|hình như|không chắc|ko chắc|nghe người quen kể|nghe người ta nói|nghe kể|chỉ báo để công an nắm|báo để công an nắm|để công an nắm|nghi làm ăn|nghi là|not sure|i heard that|rumour|rumor', ['vague']),
  ...words('lấn chiếm|vỉa hè|xả rác|vẽ bậy|ồn|karaoke|nhạc|bóp còi|phế thải|lấn sông|không rõ nguồn gốc|ko rõ nguồn gốc|heo bệnh', ['nuisance']),
  ...words('chế tạo|sản xuất|bán súng|tàng trữ|hay mang|bán công khai|rao bán|buôn bán vũ khí|bán dao|bán vũ khí|sells|selling|for sale', ['manufacture']),
  ...words('trói|khống chế|chặn|kề dao|dí dao|dùng dao|cầm hung khí|đe dọa|ép|held up', ['force']),
  ...words('lấy|lấy đi|lấy mất|cuỗm|took|grabbed|lấy điện thoại|lấy tiền|lấy ví|lấy xe', ['taking']),
];

/**
 * Single words that count only when typed with their diacritics: without them they are far more
 * often another word ("chay" is mostly "chạy", to run; "gap" is "gặp", to meet; "moi" is "mới").
 * Unaccented tips reach these through longer phrases ("bốc cháy", "cần gấp").
 */
const STRICT = new Set(['cháy', 'lừa', 'gấp', 'mỗi', 'hằng', 'khói']);

function words(list: string, signals: UrgencySignal[]): [string, UrgencySignal[]][] {
  return list.split('|').map((w): [string, UrgencySignal[]] => [w, signals]);
}

/** Phrases that hide a cue word inside them and mean something else. */
const NEUTRAL = 'xe đạp|xe dap|giật mình|co giật|giật điện|đánh giá|đánh răng|đánh thức|đánh máy|đánh dấu|đánh rơi|đánh mất|cướp lời|vay mượn|đá bóng|đá banh|bóng đá|say mê|say sưa|thấy rằng|hay là|hay không|đồ ăn|trộm nghĩ|đâm đầu|dao động|súng nước|đang bị truy nã tội|tôi đang ở|đang ở khách sạn|mình đang ở|em đang ở|đang sinh sống|đang ở trọ|i am staying|i m staying'.split('|');

const fold = (phrase: string): string =>
  phrase.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐ]/g, 'd').toLowerCase();
const nfcLower = (phrase: string): string => phrase.normalize('NFC').toLowerCase();
/** Token text as typed, lower case (tokens are cut from NFC text already). */
const rawLower = (token: Token): string => token.raw.toLowerCase();

/** Bits of the first-token index (the district resolver uses 1, 2 and 4). */
const CATEGORY_BIT = 8;
const URGENCY_BIT = 16;

/** One spelling of a cue phrase. */
interface Spelling {
  readonly spelling: string;
  /** Its words, split on the first match that needs them rather than on every match. */
  words?: readonly string[];
  readonly strict: boolean;
  readonly cue: Cue;
}

const spellingOf = (phrase: string, cue: Cue): Spelling => ({ spelling: phrase, strict: STRICT.has(phrase), cue });

/** What the cue lexicon finds in a tip. */
export interface CueMatches {
  /** Category cues, leftmost-longest among category phrases. */
  readonly category: readonly CueMatch[];
  /** Urgency cues, leftmost-longest among urgency phrases. */
  readonly urgency: readonly CueMatch[];
}

/**
 * The cue lexicon: one trie of category phrases and one of urgency phrases, so a phrase of one
 * kind never hides a phrase of the other ("đang chơi" is a moment, "chơi đá" is meth use).
 */
export class CueLexicon {
  private readonly categoryTrie = new PhraseTrie<Spelling>();
  private readonly urgencyTrie = new PhraseTrie<Spelling>();
  private readonly starts: FirstTokenIndex;

  /** `starts` may be shared with other tries (bits 8 and 16 are ours). */
  constructor(starts: FirstTokenIndex = new FirstTokenIndex()) {
    this.starts = starts;
    const categoryCues = new Map<string, { category?: Category; weight: number }>();
    for (const [category, list] of Object.entries(CATEGORY_CUES) as [Category, string][]) {
      for (const item of list.split('|')) {
        const colon = item.lastIndexOf(':');
        const phrase = nfcLower(item.slice(0, colon));
        const weight = Number(item.slice(colon + 1));
        const existing = categoryCues.get(phrase);
        if (!existing || existing.weight < weight) categoryCues.set(phrase, { category, weight });
      }
    }
    const urgencyCues = new Map<string, UrgencySignal[]>();
    for (const [phrase, signals] of URGENCY_CUES) {
      const key = nfcLower(phrase);
      const existing = urgencyCues.get(key);
      if (existing) existing.push(...signals.filter((s) => !existing.includes(s)));
      else urgencyCues.set(key, [...signals]);
    }
    // "giật mình" (startled), "đánh giá" (review), … hide the cue words inside them.
    for (const phrase of NEUTRAL) {
      if (!categoryCues.has(nfcLower(phrase))) categoryCues.set(nfcLower(phrase), { weight: 0 });
      if (!urgencyCues.has(nfcLower(phrase))) urgencyCues.set(nfcLower(phrase), []);
    }
    const nameSensitive = (phrase: string): boolean => fold(phrase) === 'dang' || fold(phrase) === 'vua';
    for (const [phrase, { category, weight }] of categoryCues) {
      const cue: Cue = { weight, signals: [], ...(category ? { category } : {}) };
      this.categoryTrie.add(phrase, spellingOf(phrase, cue));
    }
    for (const [phrase, signals] of urgencyCues) {
      const cue: Cue = { weight: 0, signals, ...(nameSensitive(phrase) ? { notBeforeName: true } : {}) };
      this.urgencyTrie.add(phrase, spellingOf(phrase, cue));
    }
    this.starts.register(this.categoryTrie, CATEGORY_BIT);
    this.starts.register(this.urgencyTrie, URGENCY_BIT);
  }

  /** Cues in the tokens, each accepted only if its spelling fits. */
  match(tokens: readonly Token[], starts: Uint8Array = this.starts.masks(tokens)): CueMatches {
    return { category: scan(this.categoryTrie, tokens, starts, CATEGORY_BIT), urgency: scan(this.urgencyTrie, tokens, starts, URGENCY_BIT) };
  }
}

/** Leftmost-longest matches of one trie. */
function scan(trie: PhraseTrie<Spelling>, tokens: readonly Token[], starts: Uint8Array, bit: number): CueMatch[] {
  const found: CueMatch[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (((starts[i] as number) & bit) === 0) continue;
    const matches = trie.matchesAt(tokens, i);
    for (let m = matches.length - 1; m >= 0; m--) {
      const match = matches[m] as (typeof matches)[number];
      const cue = pick(match.values, tokens, match.start, match.end);
      if (!cue) continue;
      found.push({ cue, start: match.start, end: match.end });
      i = match.end - 1;
      break;
    }
  }
  return found;
}

/**
 * The spelling the tipster wrote: with diacritics it must be one of the lexicon's spellings
 * ("Đào" is not "dao", knife); without, any spelling that needs no diacritics, the strongest.
 */
function pick(spellings: readonly Spelling[], tokens: readonly Token[], start: number, end: number): Cue | null {
  let cue: Cue | null = null;
  if (end - start === 1) {
    const raw = rawLower(tokens[start] as Token);
    if (hasDiacritics(raw)) cue = spellings.find((s) => s.spelling === raw)?.cue ?? null;
    else for (const s of spellings) if (!s.strict && (!cue || s.cue.weight > cue.weight)) cue = s.cue;
  } else {
    // Every word typed with diacritics must be the lexicon's ("đang chạy" is not "đang cháy").
    const words = tokens.slice(start, end).map(rawLower);
    for (const s of spellings) {
      const expected = (s.words ??= s.spelling.split(/\s+/));
      if (expected.length === words.length && words.every((w, k) => !hasDiacritics(w) || w === expected[k])) {
        cue = s.cue;
        break;
      }
    }
  }
  if (cue?.notBeforeName && isName(tokens, start, end)) return null;
  return cue;
}

/** "Dang Van Ngu", "Đặng Hữu Phước", "Bạch Đằng": a name, not the word "đang". */
function isName(tokens: readonly Token[], start: number, end: number): boolean {
  const token = tokens[start] as Token;
  const capitalised = (t: Token | undefined): boolean => t !== undefined && /^[A-Z]/.test(fold(t.raw)) && t.raw !== t.raw.toUpperCase();
  const capital = (t: Token | undefined): boolean => t !== undefined && /^[A-Z]/.test(fold(t.raw).toUpperCase()) && /^[A-ZĐ]/.test(t.raw.normalize('NFD'));
  if (capitalised(token) && capital(tokens[end])) return true;
  return capitalised(tokens[start - 1]) && capitalised(token);
}
