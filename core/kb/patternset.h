#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <memory>

namespace smtpscope::core {

/// Many case-insensitive RE2 patterns matched against a text at once: the literals each pattern needs are found
/// in one pass (RE2's prefilter), and only the patterns whose literals are there run; each pattern also
/// locates the matched words afterwards.
class PatternSet
{
public:
    PatternSet();
    ~PatternSet();
    PatternSet(PatternSet &&) noexcept;
    PatternSet &operator=(PatternSet &&) noexcept;

    /// Adds a pattern; returns its index, or -1 with @p error set when RE2 rejects it.
    int add(const QString &pattern, QString *error);
    /// Must be called once after the last add() and before matching (builds the prefilter).
    void compile();
    int size() const;

    /// Indices of every pattern that matches @p utf8, ascending.
    QList<int> matchAll(const QByteArray &utf8) const;
    /// Where pattern @p index matches in @p utf8 (byte offsets); false when it does not.
    bool locate(int index, const QByteArray &utf8, qsizetype *start, qsizetype *length) const;
    bool matches(int index, const QByteArray &utf8) const;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace smtpscope::core
