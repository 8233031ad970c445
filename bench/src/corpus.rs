//! A seeded synthetic multilingual corpus of knowledge-exchange entries, and the queries run against it.
//!
//! Each entry is written in one of five languages (English, Chinese, Thai, Vietnamese, Indonesian), a third of them
//! with an English version too. Titles and summaries are drawn from a topical vocabulary per language with a
//! Zipf-like skew, so that a few words are in most entries and most words in few, as in real text. Chinese and Thai
//! are written without spaces between words, as those languages are. The same file feeds `mitra import entries`
//! and the peers (SQLite FTS5, PostgreSQL full-text search).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use crate::Rng;

const EN: &[&str] = &[
    "city",
    "smart",
    "transport",
    "public",
    "data",
    "water",
    "flood",
    "energy",
    "waste",
    "air",
    "quality",
    "bus",
    "rail",
    "traffic",
    "digital",
    "service",
    "platform",
    "health",
    "housing",
    "green",
    "park",
    "solar",
    "grid",
    "sensor",
    "network",
    "emergency",
    "safety",
    "citizen",
    "mobile",
    "payment",
    "tourism",
    "heritage",
    "river",
    "canal",
    "drainage",
    "monitoring",
    "centre",
    "control",
    "signal",
    "electric",
    "vehicle",
    "charging",
    "school",
    "hospital",
    "clinic",
    "market",
    "street",
    "lighting",
    "camera",
    "security",
    "disaster",
    "warning",
    "climate",
    "carbon",
    "emission",
    "recycling",
    "plastic",
    "sanitation",
    "sewage",
    "treatment",
    "plant",
    "tree",
    "coastal",
    "port",
    "logistics",
    "innovation",
    "startup",
    "training",
    "skills",
    "university",
    "research",
    "partnership",
    "investment",
    "finance",
    "loan",
    "grant",
    "project",
    "pilot",
    "upgrade",
    "mapping",
    "planning",
    "zoning",
    "land",
    "village",
    "rural",
    "poverty",
    "inclusion",
    "women",
    "youth",
    "elderly",
    "accessibility",
    "cycling",
    "walking",
    "metro",
    "ferry",
    "airport",
    "broadband",
    "fibre",
    "cloud",
];

const ZH: &[&str] = &[
    "城市",
    "智慧",
    "交通",
    "公共",
    "数据",
    "水务",
    "洪水",
    "能源",
    "垃圾",
    "空气",
    "质量",
    "公交",
    "轨道",
    "拥堵",
    "数字",
    "服务",
    "平台",
    "健康",
    "住房",
    "绿色",
    "公园",
    "太阳能",
    "电网",
    "传感器",
    "网络",
    "应急",
    "安全",
    "市民",
    "移动",
    "支付",
    "旅游",
    "遗产",
    "河流",
    "运河",
    "排水",
    "监测",
    "中心",
    "控制",
    "信号",
    "电动",
    "车辆",
    "充电",
    "学校",
    "医院",
    "诊所",
    "市场",
    "街道",
    "照明",
    "摄像头",
    "治安",
    "灾害",
    "预警",
    "气候",
    "碳排放",
    "回收",
    "塑料",
    "卫生",
    "污水",
    "处理",
    "树木",
    "沿海",
    "港口",
    "物流",
    "创新",
    "创业",
    "培训",
    "技能",
    "大学",
    "研究",
    "合作",
    "投资",
    "融资",
    "贷款",
    "项目",
    "试点",
    "改造",
    "规划",
    "土地",
    "乡村",
    "贫困",
    "包容",
    "青年",
    "老年",
    "无障碍",
    "骑行",
    "步行",
    "地铁",
    "轮渡",
    "机场",
    "宽带",
    "光纤",
    "云计算",
    "海绵城市",
];

const TH: &[&str] = &[
    "เมือง",
    "อัจฉริยะ",
    "การจราจร",
    "ขนส่ง",
    "สาธารณะ",
    "ข้อมูล",
    "น้ำ",
    "น้ำท่วม",
    "พลังงาน",
    "ขยะ",
    "อากาศ",
    "คุณภาพ",
    "รถเมล์",
    "รถไฟ",
    "ดิจิทัล",
    "บริการ",
    "แพลตฟอร์ม",
    "สุขภาพ",
    "ที่อยู่อาศัย",
    "สีเขียว",
    "สวน",
    "แสงอาทิตย์",
    "ไฟฟ้า",
    "เซ็นเซอร์",
    "เครือข่าย",
    "ฉุกเฉิน",
    "ความปลอดภัย",
    "ประชาชน",
    "มือถือ",
    "ชำระเงิน",
    "ท่องเที่ยว",
    "มรดก",
    "แม่น้ำ",
    "คลอง",
    "ระบายน้ำ",
    "ติดตาม",
    "ศูนย์",
    "ควบคุม",
    "สัญญาณ",
    "รถยนต์",
    "โรงเรียน",
    "โรงพยาบาล",
    "ตลาด",
    "ถนน",
    "กล้อง",
    "ภัยพิบัติ",
    "เตือนภัย",
    "ภูมิอากาศ",
    "คาร์บอน",
    "รีไซเคิล",
    "พลาสติก",
    "บำบัด",
    "ต้นไม้",
    "ชายฝั่ง",
    "ท่าเรือ",
    "นวัตกรรม",
    "การฝึกอบรม",
    "มหาวิทยาลัย",
    "วิจัย",
    "ความร่วมมือ",
    "การลงทุน",
    "โครงการ",
    "การวางแผน",
    "ชนบท",
    "ความยากจน",
    "ผู้สูงอายุ",
    "จักรยาน",
    "รถไฟฟ้า",
    "สนามบิน",
];

const VI: &[&str] = &[
    "thành phố",
    "thông minh",
    "giao thông",
    "công cộng",
    "dữ liệu",
    "nước",
    "ngập lụt",
    "năng lượng",
    "rác thải",
    "không khí",
    "chất lượng",
    "xe buýt",
    "đường sắt",
    "ùn tắc",
    "số",
    "dịch vụ",
    "nền tảng",
    "y tế",
    "nhà ở",
    "xanh",
    "công viên",
    "mặt trời",
    "điện",
    "cảm biến",
    "mạng",
    "khẩn cấp",
    "an ninh",
    "người dân",
    "di động",
    "thanh toán",
    "du lịch",
    "di sản",
    "sông",
    "kênh",
    "thoát nước",
    "giám sát",
    "trung tâm",
    "điều hành",
    "tín hiệu",
    "xe điện",
    "trường học",
    "bệnh viện",
    "chợ",
    "đường phố",
    "chiếu sáng",
    "camera",
    "thiên tai",
    "cảnh báo",
    "khí hậu",
    "phát thải",
    "tái chế",
    "nhựa",
    "vệ sinh",
    "xử lý",
    "cây xanh",
    "ven biển",
    "cảng",
    "đổi mới",
    "khởi nghiệp",
    "đào tạo",
    "đại học",
    "nghiên cứu",
    "hợp tác",
    "đầu tư",
    "dự án",
    "quy hoạch",
    "nông thôn",
    "nghèo",
    "người cao tuổi",
    "xe đạp",
    "tàu điện",
    "sân bay",
];

const ID: &[&str] = &[
    "kota",
    "cerdas",
    "transportasi",
    "publik",
    "data",
    "air",
    "banjir",
    "energi",
    "sampah",
    "udara",
    "kualitas",
    "bus",
    "kereta",
    "kemacetan",
    "digital",
    "layanan",
    "platform",
    "kesehatan",
    "perumahan",
    "hijau",
    "taman",
    "surya",
    "listrik",
    "sensor",
    "jaringan",
    "darurat",
    "keamanan",
    "warga",
    "seluler",
    "pembayaran",
    "pariwisata",
    "warisan",
    "sungai",
    "kanal",
    "drainase",
    "pemantauan",
    "pusat",
    "kendali",
    "sinyal",
    "kendaraan",
    "sekolah",
    "rumah sakit",
    "pasar",
    "jalan",
    "penerangan",
    "kamera",
    "bencana",
    "peringatan",
    "iklim",
    "karbon",
    "emisi",
    "daur ulang",
    "plastik",
    "sanitasi",
    "limbah",
    "pengolahan",
    "pohon",
    "pesisir",
    "pelabuhan",
    "inovasi",
    "pelatihan",
    "universitas",
    "penelitian",
    "kemitraan",
    "investasi",
    "proyek",
    "perencanaan",
    "desa",
    "kemiskinan",
    "lansia",
    "sepeda",
    "bandara",
];

/// The five languages of the corpus: tag, vocabulary, and whether words are separated by spaces.
const LANGUAGES: [(&str, &[&str], bool); 5] = [
    ("en", EN, true),
    ("zh-Hans", ZH, false),
    ("th", TH, false),
    ("vi", VI, true),
    ("id", ID, true),
];

const KINDS: [&str; 7] = [
    "practice",
    "innovation",
    "solution",
    "project",
    "funding",
    "training",
    "event",
];
const CHALLENGES: [&str; 11] = [
    "congestion",
    "air-pollution",
    "water-pollution",
    "vector-borne-disease",
    "loss-of-green-areas",
    "poverty",
    "lack-of-mobility",
    "inequality",
    "urban-rural-disparity",
    "citizen-security",
    "energy",
];

/// A word of `vocabulary`, skewed so that the first words are much more frequent than the last (about 1/rank).
fn word<'v>(rng: &mut Rng, vocabulary: &[&'v str]) -> &'v str {
    let n = vocabulary.len() as f64;
    // Inverse of the cumulative 1/x density on [1, n + 1).
    let u = (rng.next() >> 11) as f64 / (1u64 << 53) as f64;
    let rank = ((n + 1.0).powf(u) - 1.0) as usize;
    vocabulary[rank.min(vocabulary.len() - 1)]
}

fn text(rng: &mut Rng, vocabulary: &[&str], spaced: bool, base: u64, spread: u64) -> String {
    let words = base + rng.below(spread);
    let picked: Vec<&str> = (0..words).map(|_| word(rng, vocabulary)).collect();
    picked.join(if spaced { " " } else { "" })
}

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

fn details(kind: &str, rng: &mut Rng) -> String {
    let day = 1 + rng.below(28);
    let time = |hour: u64| {
        format!("{{\"at\": \"2027-03-{day:02}T{hour:02}:00\", \"timezone\": \"Asia/Bangkok\"}}")
    };
    match kind {
        "innovation" => r#"{"innovation_kind": "research"}"#.to_owned(),
        "solution" => r#"{"provider": "Synthetic provider", "maturity": "pilot"}"#.to_owned(),
        "project" => r#"{"stage": "feasibility"}"#.to_owned(),
        "funding" => r#"{"funder": "Synthetic fund", "instrument": "grant"}"#.to_owned(),
        "training" => format!(
            r#"{{"provider": "Synthetic provider", "topic": "Synthetic topic", "format": "online", "language": "en", "starts": {}, "ends": {}, "seats": 30}}"#,
            time(9),
            time(12)
        ),
        "event" => format!(
            r#"{{"event_kind": "workshop", "starts": {}, "ends": {}}}"#,
            time(9),
            time(17)
        ),
        _ => String::new(),
    }
}

/// Writes `entries` entries to `file` (the import format of `mitra import entries`) and `queries` queries, one per
/// line, to `queries_file`. `cities` are real city ids.
pub fn generate(
    file: &Path,
    queries_file: &Path,
    entries: u64,
    queries: u64,
    seed: u64,
    cities: &[String],
) -> anyhow::Result<()> {
    anyhow::ensure!(!cities.is_empty(), "pass at least one city id");
    let mut rng = Rng(seed);
    let mut out = BufWriter::with_capacity(1 << 20, File::create(file)?);
    writeln!(
        out,
        "id,kind,lang,origin,title,summary,cities,challenges,year_from,details,example"
    )?;
    for n in 0..entries {
        let id = format!("synthetic-{n}");
        let kind = KINDS[rng.below(KINDS.len() as u64) as usize];
        let (lang, vocabulary, spaced) = LANGUAGES[rng.below(5) as usize];
        let city = &cities[rng.below(cities.len() as u64) as usize];
        let challenge = CHALLENGES[rng.below(CHALLENGES.len() as u64) as usize];
        let year = 2000 + rng.below(27);
        let title = text(&mut rng, vocabulary, spaced, 4, 5);
        let summary = text(&mut rng, vocabulary, spaced, 20, 30);
        let details = details(kind, &mut rng);
        writeln!(
            out,
            "{id},{kind},{lang},original,{},{},{city},{challenge},{year},{},true",
            csv_field(&title),
            csv_field(&summary),
            csv_field(&details)
        )?;
        if lang != "en" && rng.below(3) == 0 {
            let title = text(&mut rng, EN, true, 4, 5);
            let summary = text(&mut rng, EN, true, 20, 30);
            writeln!(
                out,
                "{id},,en,machine-translation,{},{},,,,,",
                csv_field(&title),
                csv_field(&summary)
            )?;
        }
    }
    out.flush()?;
    let mut q = BufWriter::new(File::create(queries_file)?);
    for n in 0..queries {
        let (_, vocabulary, spaced) = LANGUAGES[(n % 5) as usize];
        // One or two words, drawn like the text, so that queries hit common and rare words alike.
        let (first, second) = (word(&mut rng, vocabulary), word(&mut rng, vocabulary));
        let query = match (n / 5) % 2 {
            0 => first.to_owned(),
            _ if spaced => format!("{first} {second}"),
            _ => format!("{first}{second}"),
        };
        writeln!(q, "{query}")?;
    }
    q.flush()?;
    println!("{{\"generated\":\"corpus\",\"entries\":{entries},\"queries\":{queries}}}");
    Ok(())
}
