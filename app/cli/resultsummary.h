#pragma once

#include <QHash>
#include <QList>
#include <QString>
#include <QTextStream>

namespace smtpscope::core {
struct DeliveryResult;
}

namespace smtpscope::cli {

/// What one result contributes to a `--summary`: a few words, so that workers can hand it over cheaply.
struct SummaryEntry
{
    QString reason;
    QString receiver; ///< registrable domain of the recipient, or its domain
    QString action; ///< failed, delayed, delivered, …
    bool hard = false;

    static SummaryEntry of(const core::DeliveryResult &result);
    /// How a receiver is named: its registrable domain, else the domain itself, else "(no domain)".
    static QString receiverName(const QString &registrable, const QString &domain);
};

/// Counts of a batch by reason and by receiver: what a deliverability engineer reads first after a run over a
/// mailbox of bounces or a mail log (which failures dominate, and at which receivers).
class ResultSummary
{
public:
    /// @p unit names what results come in ("message", "session"), for the heading.
    explicit ResultSummary(const QString &unit = QStringLiteral("message"))
        : m_unit(unit)
    { }

    void add(const SummaryEntry &entry);
    /// Counts one message (or session) of the input, with or without results.
    void addUnit(bool hasResults) { ++m_units, m_unitsWithoutResults += !hasResults; }

    /// Writes the tables; @p receivers limits the receiver table to the ones with most results.
    void write(QTextStream &out, int receivers = 15) const;

private:
    struct Counts
    {
        qint64 results = 0;
        qint64 failed = 0;
        qint64 delayed = 0;
        qint64 hard = 0;
    };

    QString m_unit;
    qint64 m_units = 0;
    qint64 m_unitsWithoutResults = 0;
    Counts m_total;
    QHash<QString, Counts> m_byReason;
    QHash<QString, Counts> m_byReceiver;
    QHash<QString, QHash<QString, qint64>> m_reasonsOfReceiver;
};

} // namespace smtpscope::cli
