#include "kb/patternset.h"

#include "util/asciicase.h"

#include <re2/filtered_re2.h>
#include <re2/re2.h>

#include <QHash>
#include <QHashFunctions>
#include <QString>
#include <QUtf8StringView>

#include <algorithm>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

namespace smtpscope::core {

namespace {

// RE2's default budget (8 MB) is too small for the DFA of a set of a few hundred patterns: the DFA cache fills
// and is flushed over and over, and matching falls back to slow paths (about 70x slower on bounce diagnostics).
// The budget is a ceiling, not an allocation: the DFA only grows with the states real texts visit.
constexpr int64_t patternMaxMem = int64_t(256) << 20;

RE2::Options patternOptions()
{
    RE2::Options options;
    options.set_max_mem(patternMaxMem);
    options.set_case_sensitive(false);
    options.set_log_errors(false);
    options.set_encoding(RE2::Options::EncodingUTF8);
    return options;
}

// Atoms shorter than this are not used to filter: a rule whose literals are all shorter always runs.
constexpr int minAtomLength = 3;

// RE2 matches a character case-insensitively to every character of its case-folding orbit (s, S and the long s)
// and lower-cases the prefilter's atoms. A text character mapped to the lowercase of its folded form then gives
// the atom's character whenever RE2 would match the two, provided the atoms hold no character that lowers unlike
// it folds, like the final sigma (checked once: atomsAreLowered).
char32_t foldedLower(char32_t c)
{
    return QChar::toLower(QChar::toCaseFolded(c));
}

// The text as the prefilter looks at it: every character mapped by foldedLower(). False for invalid UTF-8 (which
// QString::toUtf8() never writes), whose patterns are then run one by one.
bool lowerForPrefilter(const QByteArray &utf8, std::string *lower)
{
    if (isAscii(utf8)) {
        lower->assign(utf8.constData(), size_t(utf8.size()));
        for (char &c : *lower) {
            if (c >= 'A' && c <= 'Z')
                c = char(c - 'A' + 'a');
        }
        return true;
    }
    if (!QUtf8StringView(utf8).isValidUtf8())
        return false;
    const QString text = QString::fromUtf8(utf8);
    QString out;
    out.reserve(text.size());
    for (const char32_t c : QStringView(text).toUcs4())
        out.append(QChar::fromUcs4(foldedLower(c)));
    *lower = out.toStdString();
    return true;
}

// Whether every atom is already what lowerForPrefilter() makes of texts: RE2 lower-cases the atoms, and the
// folded lowercase is the same for all but a few characters (the final sigma, the long s) no atom is expected to
// hold. Checked rather than assumed.
bool atomsAreLowered(const std::vector<std::string> &atoms)
{
    for (const std::string &atom : atoms) {
        const QString text = QString::fromStdString(atom);
        for (const char32_t c : QStringView(text).toUcs4()) {
            if (foldedLower(c) != c)
                return false;
        }
    }
    return true;
}

// Every literal of a fixed list found in a text in one pass: an Aho-Corasick automaton, built completely when the
// list is set (an RE2::Set of them would build its DFA states lazily, text by text, ~100 us on every new text).
class LiteralMatcher
{
public:
    explicit LiteralMatcher(const std::vector<std::string> &literals)
    {
        // Bytes that occur in no literal share one class: the table has a column per class, not per byte.
        std::fill(std::begin(m_class), std::end(m_class), uint16_t(0));
        for (const std::string &literal : literals) {
            for (char c : literal) {
                uint16_t &cls = m_class[static_cast<unsigned char>(c)];
                if (!cls)
                    cls = uint16_t(++m_classes);
            }
        }
        ++m_classes; // class 0, the other bytes
        newState();
        for (int i = 0; i < int(literals.size()); ++i) {
            int state = 0;
            for (char c : literals[size_t(i)]) {
                const int cls = m_class[static_cast<unsigned char>(c)];
                if (!m_next[size_t(state * m_classes + cls)]) {
                    const int created = newState();
                    m_next[size_t(state * m_classes + cls)] = created;
                }
                state = m_next[size_t(state * m_classes + cls)];
            }
            if (state)
                m_output[size_t(state)].push_back(i);
            else
                m_always.push_back(i); // the empty literal occurs in every text
        }
        // Breadth first: the failure link of each state, and the missing transitions taken from it.
        std::vector<int> fail(m_output.size(), 0);
        std::vector<int> queue;
        for (int cls = 0; cls < m_classes; ++cls) {
            if (const int child = m_next[size_t(cls)])
                queue.push_back(child);
        }
        for (size_t head = 0; head < queue.size(); ++head) {
            const int state = queue[head];
            m_outputLink[size_t(state)] = m_output[size_t(fail[size_t(state)])].empty()
                ? m_outputLink[size_t(fail[size_t(state)])]
                : fail[size_t(state)];
            for (int cls = 0; cls < m_classes; ++cls) {
                int &next = m_next[size_t(state * m_classes + cls)];
                const int viaFail = m_next[size_t(fail[size_t(state)] * m_classes + cls)];
                if (next) {
                    fail[size_t(next)] = viaFail;
                    queue.push_back(next);
                } else {
                    next = viaFail;
                }
            }
        }
        m_literalCount = int(literals.size());
    }

    /// Indices of the literals that occur in @p text, ascending.
    std::vector<int> find(std::string_view text) const
    {
        std::vector<bool> seen(size_t(m_literalCount), false);
        std::vector<int> found = m_always;
        for (int literal : m_always)
            seen[size_t(literal)] = true;
        int state = 0;
        for (char c : text) {
            state = m_next[size_t(state * m_classes + m_class[static_cast<unsigned char>(c)])];
            for (int s = m_output[size_t(state)].empty() ? m_outputLink[size_t(state)] : state; s;
                 s = m_outputLink[size_t(s)]) {
                for (int literal : m_output[size_t(s)]) {
                    if (!seen[size_t(literal)]) {
                        seen[size_t(literal)] = true;
                        found.push_back(literal);
                    }
                }
            }
        }
        std::sort(found.begin(), found.end());
        return found;
    }

private:
    int newState()
    {
        m_next.resize(m_next.size() + size_t(m_classes), 0);
        m_output.emplace_back();
        m_outputLink.push_back(0);
        return int(m_output.size()) - 1;
    }

    uint16_t m_class[256];
    int m_classes = 0;
    int m_literalCount = 0;
    std::vector<int> m_next; ///< state * m_classes + class -> state; state 0 is the root
    std::vector<std::vector<int>> m_output; ///< the literals that end at each state
    std::vector<int> m_outputLink; ///< the nearest state on the failure chain with an output, or 0
    std::vector<int> m_always; ///< empty literals
};

} // namespace

// Finding every matching pattern: an RE2::Set would take one pass, a few microseconds for a text whose DFA states
// it has built, but 1-2 ms for a new one (with ~420 patterns nearly every new text needs new states). RE2's
// prefilter instead finds the literal "atoms" each pattern requires with one set of literals in the lower-cased
// text and runs only the patterns whose atoms are present: ~50-350 us on a new text, ~20-60 us on a seen one.
// Lower-casing must find every atom RE2's case folding would: see lowerForPrefilter().
// The result is remembered for the exact text (a bounded cache): bounces repeat the same diagnostics, and a text
// seen before then costs one hash lookup instead of a pass of RE2. Also remembered: where a pattern matches a
// text (locate), keyed by the text and the pattern's index.
template<typename Value> class TextCache
{
public:
    static constexpr qsizetype limit = 1 << 13; ///< entries; emptied when full
    static constexpr qsizetype byteLimit = qsizetype(4) << 20; ///< bytes of text; emptied when full
    static constexpr qsizetype maxTextSize = 4096; ///< longer texts are not kept

    bool find(const QByteArray &text, size_t hash, int index, Value *value) const
    {
        const std::shared_lock lock(m_mutex);
        const auto it = m_values.constFind(Key { text, hash, index });
        if (it == m_values.cend())
            return false;
        *value = *it;
        return true;
    }

    void insert(const QByteArray &text, size_t hash, int index, const Value &value)
    {
        if (text.size() > maxTextSize)
            return;
        const std::unique_lock lock(m_mutex);
        if (m_values.size() >= limit || m_bytes >= byteLimit) {
            m_values.clear();
            m_bytes = 0;
        }
        m_values.insert(Key { text, hash, index }, value);
        m_bytes += text.size();
    }

private:
    struct Key
    {
        QByteArray text;
        size_t hash;
        int index;
        bool operator==(const Key &other) const
        {
            return hash == other.hash && index == other.index && text == other.text;
        }
        friend size_t qHash(const Key &key, size_t seed = 0) noexcept { return key.hash ^ size_t(key.index) ^ seed; }
    };
    mutable std::shared_mutex m_mutex;
    QHash<Key, Value> m_values;
    qsizetype m_bytes = 0;
};

struct Span
{
    qsizetype start = -1; ///< -1: no match
    qsizetype length = 0;
};

size_t textHash(const QByteArray &text)
{
    return qHashBits(text.constData(), size_t(text.size()), 0x5eed);
}

struct PatternSet::Private
{
    Private()
        : filtered(std::make_unique<re2::FilteredRE2>(minAtomLength))
    { }

    std::unique_ptr<re2::FilteredRE2> filtered; ///< also holds each pattern's own RE2, for locate()
    std::unique_ptr<LiteralMatcher> atoms; ///< null when no pattern has an atom
    bool atomsLowered = true; ///< false: non-ASCII texts run every pattern (see foldedLower)
    TextCache<QList<int>> matches;
    TextCache<Span> spans;
    bool compiled = false;
};

PatternSet::PatternSet()
    : d(std::make_unique<Private>())
{ }

PatternSet::~PatternSet() = default;
PatternSet::PatternSet(PatternSet &&) noexcept = default;
PatternSet &PatternSet::operator=(PatternSet &&) noexcept = default;

int PatternSet::add(const QString &pattern, QString *error)
{
    const std::string utf8 = pattern.toStdString();
    int index = -1;
    if (d->filtered->Add(utf8, patternOptions(), &index) != RE2::NoError) {
        if (error)
            *error = QString::fromStdString(RE2(utf8, patternOptions()).error()); // FilteredRE2 keeps no message
        return -1;
    }
    return index;
}

void PatternSet::compile()
{
    d->compiled = true;
    if (size() == 0)
        return; // FilteredRE2 refuses to compile empty; an empty set matches nothing
    std::vector<std::string> atoms;
    d->filtered->Compile(&atoms);
    if (!atoms.empty())
        d->atoms = std::make_unique<LiteralMatcher>(atoms);
    d->atomsLowered = atomsAreLowered(atoms);
}

int PatternSet::size() const
{
    return d->filtered->NumRegexps();
}

QList<int> PatternSet::matchAll(const QByteArray &utf8) const
{
    QList<int> out;
    if (!d->compiled || size() == 0)
        return out;
    const size_t hash = textHash(utf8);
    if (d->matches.find(utf8, hash, -1, &out))
        return out;
    const re2::StringPiece text(utf8.constData(), size_t(utf8.size()));
    std::vector<int> hits;
    bool matched = false;
    std::string lower;
    if ((d->atomsLowered || isAscii(utf8)) && lowerForPrefilter(utf8, &lower)) {
        const std::vector<int> atomHits = d->atoms ? d->atoms->find(lower) : std::vector<int>();
        d->filtered->AllMatches(text, atomHits, &hits);
        matched = !hits.empty();
    } else {
        // Texts the prefilter could be wrong for, which the knowledge base never passes in practice.
        for (int i = 0; i < size(); ++i) {
            if (RE2::PartialMatch(text, d->filtered->GetRE2(i)))
                hits.push_back(i);
        }
        matched = !hits.empty();
    }
    if (matched) {
        std::sort(hits.begin(), hits.end());
        out.reserve(qsizetype(hits.size()));
        for (int h : hits)
            out.append(h);
    }
    d->matches.insert(utf8, hash, -1, out);
    return out;
}

bool PatternSet::locate(int index, const QByteArray &utf8, qsizetype *start, qsizetype *length) const
{
    if (index < 0 || index >= size())
        return false;
    const size_t hash = textHash(utf8);
    Span span;
    if (!d->spans.find(utf8, hash, index, &span)) {
        const re2::StringPiece text(utf8.constData(), size_t(utf8.size()));
        re2::StringPiece match;
        if (d->filtered->GetRE2(index).Match(text, 0, text.size(), RE2::UNANCHORED, &match, 1)) {
            span.start = match.data() - text.data();
            span.length = qsizetype(match.size());
        }
        d->spans.insert(utf8, hash, index, span);
    }
    if (span.start < 0)
        return false;
    *start = span.start;
    *length = span.length;
    return true;
}

bool PatternSet::matches(int index, const QByteArray &utf8) const
{
    qsizetype start = 0, length = 0;
    return locate(index, utf8, &start, &length);
}

} // namespace smtpscope::core
