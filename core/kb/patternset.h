#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <memory>

namespace smtpscope::core {

/// Many case-insensitive RE2 patterns matched in one pass over a text (RE2::Set), with each
/// pattern kept on its own to locate the matched words afterwards.
class PatternSet
{
public:
    PatternSet();
    ~PatternSet();
    PatternSet(PatternSet &&) noexcept;
    PatternSet &operator=(PatternSet &&) noexcept;

    /// Adds a pattern; returns its index, or -1 with @p error set when RE2 rejects it.
    int add(const QString &pattern, QString *error);
    /// Must be called once after the last add() and before matching. A pattern add() took always compiles; a
    /// RE2::Set over all of them is only built when a text needs it (see matchAll).
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
