#include "kb/patternset.h"

#include <re2/re2.h>
#include <re2/set.h>

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

} // namespace

struct PatternSet::Private
{
    Private()
        : set(patternOptions(), RE2::UNANCHORED)
    { }
    RE2::Set set;
    std::vector<std::unique_ptr<RE2>> single;
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
    auto re = std::make_unique<RE2>(utf8, patternOptions());
    if (!re->ok()) {
        if (error)
            *error = QString::fromStdString(re->error());
        return -1;
    }
    std::string setError;
    const int index = d->set.Add(utf8, &setError);
    if (index < 0) {
        if (error)
            *error = QString::fromStdString(setError);
        return -1;
    }
    d->single.push_back(std::move(re));
    return index;
}

bool PatternSet::compile(QString *error)
{
    if (d->single.empty()) {
        d->compiled = true; // RE2::Set refuses to compile empty; an empty set matches nothing
        return true;
    }
    d->compiled = d->set.Compile();
    if (!d->compiled && error)
        *error = QStringLiteral("the patterns need more memory than RE2 allows");
    return d->compiled;
}

int PatternSet::size() const
{
    return int(d->single.size());
}

QList<int> PatternSet::matchAll(const QByteArray &utf8) const
{
    QList<int> out;
    if (!d->compiled || d->single.empty())
        return out;
    std::vector<int> hits;
    if (d->set.Match(re2::StringPiece(utf8.constData(), size_t(utf8.size())), &hits)) {
        std::sort(hits.begin(), hits.end());
        out.reserve(qsizetype(hits.size()));
        for (int h : hits)
            out.append(h);
    }
    return out;
}

bool PatternSet::locate(int index, const QByteArray &utf8, qsizetype *start, qsizetype *length) const
{
    if (index < 0 || index >= size())
        return false;
    const re2::StringPiece text(utf8.constData(), size_t(utf8.size()));
    re2::StringPiece match;
    if (!d->single[size_t(index)]->Match(text, 0, text.size(), RE2::UNANCHORED, &match, 1))
        return false;
    *start = match.data() - text.data();
    *length = qsizetype(match.size());
    return true;
}

bool PatternSet::matches(int index, const QByteArray &utf8) const
{
    qsizetype start = 0, length = 0;
    return locate(index, utf8, &start, &length);
}

} // namespace smtpscope::core
