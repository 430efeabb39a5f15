"""Name frequencies of the synthetic population (synthetic.py), from published figures.

The quality of a linkage depends on how often two different people share a
name: a generator whose common names are too common flatters nobody (it makes
precision look worse than it would be), one whose tail is too rich flatters the
model. So every pool here is built from a published frequency table or from
published figures, and `pool_statistics()` prints what each pool implies
(share of the most common name, probability that two people drawn at random
share the name). Sources and assumptions: docs/domain/linkage.md, « The
synthetic population »; the INSEE extract: maillage/linkage/data/README.md.

France: the names themselves are INSEE's (ranked lists of given names per
decade of birth and of family names of people born 1991-2000); INSEE's
published thresholds give the number of names above 500, 100, 50 and 10
births in the decade, and the head of each list is fitted through the
published count of the most common name (Zipf-Mandelbrot curve). Names below
the extract's first threshold are made by splicing two listed names (so they
look and sound French) with the frequencies the thresholds imply.

Other origins: no open table of the same kind exists; each pool lists the
common names of the country with the published shares where there are some
(Chinese and Vietnamese family names), otherwise a stated share for the most
common name and for the listed head, and a tail of spliced names.

Generation is deterministic for a seed; this module is frozen once the model
is tuned (changing it changes every benchmark figure).
"""

from __future__ import annotations

import bisect
import math
import random
from dataclasses import dataclass, field
from functools import cache
from itertools import accumulate
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"

# INSEE, births in France (including overseas departments), by decade and sex,
# rounded to the hundred thousand (Bilan démographique, séries longues).
BIRTHS = {
    1971: {"m": 4_100_000, "f": 3_900_000},
    1981: {"m": 3_950_000, "f": 3_770_000},
    1991: {"m": 3_880_000, "f": 3_700_000},
    2001: {"m": 4_090_000, "f": 3_900_000},
    2011: {"m": 3_130_000, "f": 2_990_000},  # 2011-2018: the extract stops in 2018
}
FAMILY_BIRTHS_1991 = 7_580_000
# Published counts of the most common name of each list (INSEE via the press:
# Thomas 10,463 boys in 2000, Léa 10,652 girls in 2000, a leader's decade is
# about nine of its best years; Gabriel 57,204 boys and Emma 49,378 girls in
# 2011-2020; Martin 3.2 per thousand births around 1990).
TOP_GIVEN_SHARE = {1971: 0.022, 1981: 0.022, 1991: 0.022, 2001: 0.020, 2011: 0.014}
TOP_FAMILY_1991 = 0.0032 * FAMILY_BIRTHS_1991
# Given names given fewer than 10 times in a decade (INSEE groups the rarest as
# « prénoms rares »): share of births assumed 3 %.
RARE_GIVEN_SHARE = 0.03


def _read_extract(name: str) -> tuple[list[str], list[int]]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    header = lines[1].split(":", 1)[1]
    anchors = [int(part.split()[0]) for part in header.split(",")]
    return [line for line in lines if line and not line.startswith("#")], anchors


def _power_head(n: int, top: float, last: float) -> list[float]:
    exponent = math.log(top / last) / math.log(n)
    return [top * r**-exponent for r in range(1, n + 1)]


def _zipf_mandelbrot_head(n: int, top: float, last: float, mass: float) -> list[float]:
    """Counts for ranks 1..n on C/(r+q)^a through (1, top) and (n, last) summing to `mass`
    (q found by bisection; q = 0 when even a pure power law holds more than `mass`)."""

    def counts(q: float) -> list[float]:
        exponent = math.log(top / last) / math.log((n + q) / (1 + q))
        scale = top * (1 + q) ** exponent
        return [scale * (r + q) ** -exponent for r in range(1, n + 1)]

    low, high = 0.0, 10_000.0
    if sum(counts(low)) >= mass:
        return counts(low)
    for _ in range(80):
        middle = (low + high) / 2
        if sum(counts(middle)) < mass:
            low = middle
        else:
            high = middle
    return counts((low + high) / 2)


def insee_counts(
    head: int, anchors: list[int], *, top: float, total: float, rare_share: float | None = None
) -> list[float]:
    """Births per rank implied by INSEE's thresholds: `anchors` are the numbers of
    names with at least 500, 100, 50 and 10 births. Between thresholds counts
    follow a straight line in log-log; below 10, the last slope goes on until the
    births left for the rare names are used up."""
    thresholds = (500.0, 100.0, 50.0, 10.0)
    middle: list[float] = []
    for (r0, c0), (r1, c1) in zip(zip(anchors, thresholds), zip(anchors[1:], thresholds[1:])):
        slope = math.log(c0 / c1) / math.log(r1 / r0)
        middle.extend(c0 * (r / r0) ** -slope for r in range(r0 + 1, r1 + 1))
    if rare_share is None:
        # Family names: a power law through the top name and the first threshold
        # (the surname rank-frequency curve is close to one); what is left of the
        # decade's births goes to rarer names.
        counts = _power_head(head, top, thresholds[0])
        rare = total - sum(counts) - sum(middle)
    else:
        # Given names: a concave head (a few dozen names take most births).
        rare = rare_share * total
        counts = _zipf_mandelbrot_head(head, top, thresholds[0], total - rare - sum(middle))
    counts = counts + middle
    last_slope = math.log(50 / 10) / math.log(anchors[3] / anchors[2])
    rank, left = anchors[3], rare
    while left > 0:
        rank += 1
        count = max(10.0 * (rank / anchors[3]) ** -last_slope, 1.0)
        counts.append(min(count, left))
        left -= count
    return counts


def _mix(value: int) -> int:
    value = (value ^ (value >> 33)) * 0xFF51AFD7ED558CCD & 0xFFFFFFFFFFFFFFFF
    value = (value ^ (value >> 33)) * 0xC4CEB9FE1A85EC53 & 0xFFFFFFFFFFFFFFFF
    return value ^ (value >> 33)


@dataclass
class NamePool:
    """Names by rank with their frequencies; ranks beyond the listed names are
    spliced from two listed names (a prefix of one, a suffix of another)."""

    label: str
    names: list[str]
    counts: list[float]
    salt: int = 0
    _cumulative: list[float] = field(init=False, repr=False)
    _spliced: dict[int, str] = field(init=False, repr=False, default_factory=dict)
    _sources: list[str] = field(init=False, repr=False)
    _listed: frozenset[str] = field(init=False, repr=False)

    def __post_init__(self):
        self._cumulative = list(accumulate(self.counts))
        self._sources = [n for n in self.names if n.isalpha() and len(n) >= 4] or self.names
        self._listed = frozenset(n.lower() for n in self.names)
        self.salt = self.salt or sum(map(ord, self.label))

    def name(self, rank: int) -> str:
        if rank < len(self.names):
            return self.names[rank]
        found = self._spliced.get(rank)
        if found is None:
            found = self._spliced[rank] = self._splice(rank)
        return found

    def _splice(self, rank: int) -> str:
        sources = self._sources
        attempt = 0
        while True:
            h = _mix(rank * 1_000_003 + self.salt * 7919 + attempt)
            first, second = sources[h % len(sources)], sources[(h >> 20) % len(sources)]
            cut_first = 2 + (h >> 40) % max(len(first) - 2, 1)
            cut_second = 1 + (h >> 50) % max(len(second) - 2, 1)
            spliced = (first[:cut_first] + second[cut_second:]).lower()
            if len(spliced) >= 3 and spliced not in self._listed:
                return spliced.capitalize()
            attempt += 1

    def draw(self, rng: random.Random) -> str:
        rank = bisect.bisect_right(self._cumulative, rng.random() * self._cumulative[-1])
        return self.name(min(rank, len(self.counts) - 1))

    def statistics(self) -> dict[str, float]:
        total = self._cumulative[-1]
        shares = [c / total for c in self.counts]
        head = len(self.names)
        return {
            "distinct": len(shares),
            "top": shares[0],
            "listed_share": sum(shares[:head]),
            "coincidence": sum(s * s for s in shares),
        }


def shaped_counts(head: int, *, top: float, head_mass: float, tail: int, shares: list[float] = ()) -> list[float]:
    """Shares for a pool known by its head: explicit `shares` for the first names
    when published, otherwise a power law from `top` holding `head_mass` over
    `head` names; then `tail` spliced names sharing the rest on a power law that
    starts at the last head share (its exponent found by bisection)."""
    if shares:
        counts = list(shares) + _power_head(head - len(shares) + 1, shares[-1], shares[-1] / 3)[1:]
        scale = (head_mass - sum(shares)) / max(sum(counts[len(shares) :]), 1e-12)
        counts = list(shares) + [c * scale for c in counts[len(shares) :]]
    else:
        low, high = 0.0, 4.0
        for _ in range(60):
            exponent = (low + high) / 2
            if sum(top * r**-exponent for r in range(1, head + 1)) > head_mass:
                low = exponent
            else:
                high = exponent
        counts = [top * r**-exponent for r in range(1, head + 1)]
    rest, last = 1.0 - sum(counts), counts[-1]
    low, high = 0.0, 6.0
    for _ in range(60):
        exponent = (low + high) / 2
        if sum(last * (r / head) ** -exponent for r in range(head + 1, head + tail + 1)) > rest:
            low = exponent
        else:
            high = exponent
    return counts + [last * (r / head) ** -exponent for r in range(head + 1, head + tail + 1)]


@cache
def french_given_names(sex: str, decade: int) -> NamePool:
    names, anchors = _read_extract(f"insee_prenoms_{sex}_{decade}.txt")
    total = BIRTHS[decade][sex]
    counts = insee_counts(
        len(names), anchors, top=TOP_GIVEN_SHARE[decade] * total, total=total, rare_share=RARE_GIVEN_SHARE
    )
    return NamePool(f"FR given {sex} {decade}", names, counts)


@cache
def french_family_names() -> NamePool:
    names, anchors = _read_extract("insee_noms_1991.txt")
    counts = insee_counts(len(names), anchors, top=TOP_FAMILY_1991, total=FAMILY_BIRTHS_1991)
    return NamePool("FR family", names, counts)


def french_decade(year: int) -> int:
    return max(1971, min(2011, 1971 + (year - 1971) // 10 * 10))


def pool(label: str, names: str, *, top: float, head_mass: float, tail: int, shares: list[float] = ()) -> NamePool:
    listed = names.split()
    return NamePool(label, listed, shaped_counts(len(listed), top=top, head_mass=head_mass, tail=tail, shares=shares))


# Foreign pools: names common in each country, transliterated as French
# administrations usually write them. Shares are assumptions unless a source is
# named (docs/domain/linkage.md lists them).
@cache
def foreign_pools() -> dict[str, dict[str, NamePool]]:
    return {
        # Nigeria (mostly Edo State) and neighbours. English "virtue" names are
        # very common among Edo women; Edo surnames are compounds (Osa-, Igbin-,
        # Omo-, Ehi-), which splicing reproduces.
        "NG": {
            "f": pool(
                "NG f",
                "Blessing Joy Precious Favour Gift Mercy Peace Faith Grace Esther Success Glory Patience "
                "Princess Happiness Osayuki Ivie Efe Osasere Eki Omoye Itohan Ewere Uyiosa Evelyn Victoria "
                "Loveth Comfort Jennifer Rita Stella Vivian Juliet Sandra Osarugue Aghogho Eseosa Nosa",
                top=0.045,
                head_mass=0.55,
                tail=4000,
            ),
            "m": pool(
                "NG m",
                "Osaro Osagie Efosa Osas Emeka Chinedu Ikenna Tunde Segun Ifeanyi Uyi Nosa Eghosa Obinna "
                "Kelechi Samuel Daniel Emmanuel Godwin Friday Sunday Lucky Kingsley Stanley Collins Osamudiamen",
                top=0.04,
                head_mass=0.5,
                tail=4000,
            ),
            "family": pool(
                "NG family",
                "Osagie Igbinosa Omoruyi Ehigiator Idahosa Okonkwo Obasogie Uwadiae Aigbe Edokpolo Ogbeide "
                "Eweka Osayande Iyamu Adeyemi Okoro Nwosu Eze Obi Omoregie Igbinedion Osaghae Ehigie "
                "Okafor Aigbogun Agbonlahor Ogiemwonyi Osazuwa Iyoha Edobor Ekhator Erhabor Imasuen "
                "Aimiuwu Ugiagbe Osarenren Oviasogie Evbuomwan Uwaifo Osemwegie",
                top=0.008,
                head_mass=0.14,
                tail=40_000,
            ),
        },
        # Morocco, Algeria, Tunisia: Mohamed (all spellings) leads the men by far;
        # surnames are many (the Algerian civil registry gave individual names).
        "MAGHREB": {
            "m": pool(
                "MAGHREB m",
                "Mohamed Ahmed Youssef Karim Rachid Mehdi Hamza Bilal Sofiane Yassine Nabil Abdelkader "
                "Mustapha Omar Ali Said Khaled Tarek Hichem Walid Abdellah Hassan Brahim Amine Ayoub Anouar "
                "Redouane Samir Farid Adil",
                top=0.08,
                head_mass=0.5,
                tail=3000,
            ),
            "f": pool(
                "MAGHREB f",
                "Fatima Khadija Amina Samira Nadia Leila Yasmina Houda Souad Malika Zineb Meriem Salma "
                "Hanane Naima Karima Rachida Aicha Imane Sanaa Siham Asmae Hajar Sara Hafsa Ikram Loubna",
                top=0.045,
                head_mass=0.45,
                tail=3000,
            ),
            "family": pool(
                "MAGHREB family",
                "Benali Bouazza Haddad Khelifi Mansouri Belkacem Boukhari Amrani Cherif Hamidi Bensaid "
                "Saidi Zitouni Mebarki Brahimi Larbi Tahiri Alaoui Idrissi Ouali Benahmed Bouzid Chaouki "
                "Moussaoui Belhadj Kaddouri Slimani Benmoussa Rahmani Benaissa",
                top=0.006,
                head_mass=0.08,
                tail=60_000,
            ),
        },
        # Eritrea, Ethiopia, Somalia, Sudan: no inherited family name; the
        # "family name" is the father's given name (synthetic.py draws it from "m").
        "HORN": {
            "m": pool(
                "HORN m",
                "Tesfaye Yonas Mehari Habtom Kidane Berhane Tekle Samuel Daniel Filmon Dawit Abel Mussie "
                "Yohannes Ghebre Haile Tesfay Goitom Mebrahtu Amanuel Michael Solomon Yemane Tewelde "
                "Mohamed Abdi Ahmed Hassan Ibrahim Osman",
                top=0.035,
                head_mass=0.45,
                tail=2500,
            ),
            "f": pool(
                "HORN f",
                "Helen Senait Freweyni Tsega Luwam Mebrat Selam Saba Ruth Hiwet Yordanos Rahel Winta "
                "Semhar Almaz Feven Hanna Meron Selamawit Eden Lidya Fatuma Amina Hodan Asha",
                top=0.035,
                head_mass=0.45,
                tail=2500,
            ),
        },
        # Afghanistan, Pakistan, Iran.
        "AF": {
            "m": pool(
                "AF m",
                "Mohammad Ahmad Ali Reza Hamid Javid Farid Najib Rahim Karim Sayed Zabihullah Ismail Jawad "
                "Mustafa Abdul Hussain Hassan Naveed Sohrab Jamshid Rahmatullah Noorullah Bilal Asadullah",
                top=0.09,
                head_mass=0.55,
                tail=2500,
            ),
            "f": pool(
                "AF f",
                "Fatima Zahra Maryam Parwana Shabnam Nazia Farzana Sima Laila Roya Fereshta Mina Zainab "
                "Masouma Nargis Sakina Hamida Marzia Shakila Nilofar",
                top=0.05,
                head_mass=0.5,
                tail=2000,
            ),
            "family": pool(
                "AF family",
                "Ahmadi Hussaini Rahimi Karimi Sultani Noori Hashimi Jafari Mohammadi Sadat Stanekzai "
                "Popal Wardak Amiri Haidari Rezaei Sharifi Azimi Safi Nazari Hakimi Qaderi Rasooli Yousufzai",
                top=0.03,
                head_mass=0.3,
                tail=6000,
            ),
        },
        # Ukraine, Russia, Moldova, Belarus: post-Soviet cohorts share few given
        # names; surnames are many (Russian ones gendered, synthetic.py applies it).
        "CYRILLIC": {
            "m": pool(
                "CYRILLIC m",
                "Oleksandr Dmytro Serhiy Andriy Mykola Volodymyr Yuriy Ivan Maksym Vitaliy Aleksei Nikolai "
                "Sergei Mikhail Evgeniy Artem Denys Roman Pavlo Vladyslav Igor Oleg Anton Bogdan Viktor",
                top=0.08,
                head_mass=0.7,
                tail=600,
            ),
            "f": pool(
                "CYRILLIC f",
                "Anastasia Yulia Olena Natalia Iryna Oksana Tetiana Svitlana Kateryna Mariya Ludmila "
                "Valentyna Alina Daria Ksenia Viktoria Olga Anna Elena Tatiana Ekaterina Yana Inna Marina",
                top=0.075,
                head_mass=0.7,
                tail=600,
            ),
            "family": pool(
                "CYRILLIC family",
                "Shevchenko Kovalenko Bondarenko Tkachenko Kravchenko Kovalchuk Oliynyk Shevchuk Polishchuk "
                "Lysenko Ivanov Petrov Smirnov Kuznetsov Popov Zhukov Melnyk Boyko Moroz Marchenko "
                "Savchenko Rudenko Sidorov Volkov Sokolov Lebedev Kozlov Novikov Morozov Pavlenko",
                top=0.006,
                head_mass=0.09,
                tail=50_000,
            ),
        },
        # China (household registration statistics, 2020: Wang, Li, Zhang, Liu,
        # Chen… the first hundred surnames cover 86 % of people). Given names are
        # one or two pinyin syllables (synthetic.py), drawn from "syllables".
        "CN": {
            "family": pool(
                "CN family",
                "Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Gao Lin Luo "
                "Zheng Liang Xie Song Tang Han Feng Deng Cao Peng Zeng Xiao Tian Dong Yuan Pan Cai Jiang Yu Du",
                top=0.072,
                head_mass=0.7,
                tail=400,
                shares=[0.0725, 0.0719, 0.0683, 0.0538, 0.0453, 0.0308, 0.0223, 0.0219, 0.0205, 0.0189],
            ),
            "f": pool(
                "CN f",
                "Li Hong Yan Xiao Ying Hua Mei Jing Ling Juan Min Fang Xia Ping Yu Lan Hui Na Qing Xiu "
                "Yun Jie Lei Dan Zhen Feng Lin Jin Rong Wen Chun Cui Yue Ting",
                top=0.06,
                head_mass=0.75,
                tail=300,
            ),
            "m": pool(
                "CN m",
                "Wei Jun Jian Ming Tao Bo Yong Lei Hao Gang Qiang Jie Ping Hui Dong Bin Feng Chao Long Hua "
                "Zhi Xin Yu Lin Peng",
                top=0.06,
                head_mass=0.75,
                tail=300,
            ),
        },
        # Viet Nam (family names: Nguyễn 38 %, Trần 11 %, Lê 9.5 %, Phạm 7 %…).
        # Women usually carry the middle name Thị, men often Văn.
        "VN": {
            "family": pool(
                "VN family",
                "Nguyen Tran Le Pham Hoang Phan Vu Dang Bui Do Ho Ngo Duong Ly Huynh Vo Truong Dinh Lam Mai",
                top=0.384,
                head_mass=0.97,
                tail=200,
                shares=[0.384, 0.11, 0.095, 0.071, 0.051, 0.045, 0.039, 0.021, 0.02, 0.014, 0.013, 0.013, 0.01],
            ),
            "f": pool(
                "VN f",
                "Lan Huong Linh Trang Hoa Mai Thuy Ngoc Anh Hang Ha Thu Phuong Hanh Nga Hien Dung Yen "
                "Nhung Loan Tuyet Oanh Hue Van Thao Vy Quynh Nhi Tam Xuan",
                top=0.05,
                head_mass=0.7,
                tail=400,
            ),
            "m": pool(
                "VN m",
                "Hung Dung Tuan Minh Nam Long Thanh Hai Son Duc Cuong Quang Trung Hieu Phong Vinh Khanh "
                "Tien Thang Hoang Binh Hoa Huy Kien Lam Tai",
                top=0.05,
                head_mass=0.7,
                tail=400,
            ),
        },
        # Romania (and Roma communities there, who carry the same surnames).
        "RO": {
            "f": pool(
                "RO f",
                "Maria Elena Ioana Andreea Mihaela Alexandra Cristina Roxana Florentina Denisa Ana Gabriela "
                "Nicoleta Daniela Alina Georgiana Ramona Adriana Claudia Simona Loredana Larisa Bianca Diana",
                top=0.05,
                head_mass=0.6,
                tail=1500,
            ),
            "m": pool(
                "RO m",
                "Ion Gheorghe Vasile Constantin Florin Mihai Andrei Adrian Bogdan Ionut Alexandru Nicolae "
                "Marian Dumitru Stefan Daniel Cristian Gabriel Marius Catalin Razvan Sorin Viorel Costel",
                top=0.05,
                head_mass=0.6,
                tail=1500,
            ),
            "family": pool(
                "RO family",
                "Pop Popa Popescu Radu Dumitru Stan Stoica Gheorghe Matei Ciobanu Rusu Munteanu Ionescu "
                "Constantin Marin Mihai Ion Florea Dinu Georgescu Toma Moldovan Lupu Barbu Dobre Nistor "
                "Serban Ene Tudor Dragomir Lazar Oprea Zamfir Sandu Voicu Ilie Preda Badea Neagu Cristea",
                top=0.009,
                head_mass=0.12,
                tail=40_000,
            ),
        },
        # Albania and Kosovo (Krasniqi, Gashi and Berisha are very frequent in Kosovo).
        "AL": {
            "f": pool(
                "AL f",
                "Arta Blerta Drita Elira Mirela Anila Albana Besa Valbona Fjolla Arbnora Edona Flutura "
                "Teuta Lindita Jonida Klodiana Erisa Elona Rita",
                top=0.05,
                head_mass=0.55,
                tail=1500,
            ),
            "m": pool(
                "AL m",
                "Arben Besnik Dritan Ilir Fatos Artan Gentian Ardian Altin Erion Valon Arber Agron Florian "
                "Kujtim Blerim Armend Fatmir Bujar Driton",
                top=0.05,
                head_mass=0.55,
                tail=1500,
            ),
            "family": pool(
                "AL family",
                "Krasniqi Gashi Berisha Morina Shala Hoxha Bytyqi Kelmendi Rexhepi Hasani Shehu Leka "
                "Dervishi Kola Prifti Cela Hysa Mema Duka Basha",
                top=0.025,
                head_mass=0.25,
                tail=8000,
            ),
        },
    }


def pool_statistics() -> list[tuple[str, dict[str, float]]]:
    """What each pool implies: distinct names, share of the first, share of the
    listed names, and the probability that two people drawn at random share it."""
    out = [(p.label, p.statistics()) for p in (french_family_names(),)]
    for decade in BIRTHS:
        for sex in "mf":
            pool_ = french_given_names(sex, decade)
            out.append((pool_.label, pool_.statistics()))
    for pools in foreign_pools().values():
        out.extend((p.label, p.statistics()) for p in pools.values())
    return out


if __name__ == "__main__":
    for label, stats in pool_statistics():
        print(
            f"{label:22} distinct {stats['distinct']:>8,}  top {stats['top']:.4f}  "
            f"listed {stats['listed_share']:.3f}  coincidence {stats['coincidence']:.2e}"
        )
