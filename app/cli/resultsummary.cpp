#include "resultsummary.h"

#include "bounce/bouncereport.h"

#include <algorithm>

namespace smtpscope::cli {

SummaryEntry SummaryEntry::of(const core::DeliveryResult &result)
{
    SummaryEntry e;
    e.reason = result.classification.reason;
    e.receiver = receiverName(result.registrableDomain, result.recipientDomain);
    e.action = result.action;
    e.hard = result.classification.hard;
    return e;
}

QString SummaryEntry::receiverName(const QString &registrable, const QString &domain)
{
    if (!registrable.isEmpty())
        return registrable;
    return domain.isEmpty() ? QStringLiteral("(no domain)") : domain;
}

void ResultSummary::add(const SummaryEntry &entry)
{
    const auto count = [&](Counts &c) {
        ++c.results;
        c.failed += entry.action == u"failed";
        c.delayed += entry.action == u"delayed";
        c.hard += entry.hard;
    };
    count(m_total);
    count(m_byReason[entry.reason]);
    count(m_byReceiver[entry.receiver]);
    ++m_reasonsOfReceiver[entry.receiver][entry.reason];
}

namespace {

template<typename Map> QList<typename Map::key_type> byResults(const Map &map)
{
    QList<typename Map::key_type> keys = map.keys();
    std::sort(keys.begin(), keys.end(), [&](const auto &a, const auto &b) {
        const auto &ca = map.value(a);
        const auto &cb = map.value(b);
        return ca.results != cb.results ? ca.results > cb.results : a < b;
    });
    return keys;
}

QString percent(qint64 part, qint64 whole)
{
    return whole ? QString::asprintf("%.1f%%", 100.0 * double(part) / double(whole)) : QStringLiteral("-");
}

} // namespace

void ResultSummary::write(QTextStream &out, int receivers) const
{
    out << "\nSummary: " << m_units << ' ' << m_unit << (m_units == 1 ? ", " : "s, ") << m_total.results << " results ("
        << m_total.failed << " failed, " << m_total.delayed << " delayed, " << m_total.hard << " hard bounces); "
        << m_unitsWithoutResults << ' ' << m_unit << "s with no result\n";
    if (!m_total.results) {
        out.flush();
        return;
    }
    out << "\n"
        << QStringLiteral("REASON").leftJustified(18) << QStringLiteral("RESULTS").rightJustified(9)
        << QStringLiteral("SHARE").rightJustified(8) << QStringLiteral("FAILED").rightJustified(9)
        << QStringLiteral("DELAYED").rightJustified(9) << QStringLiteral("HARD").rightJustified(9) << '\n';
    for (const QString &reason : byResults(m_byReason)) {
        const Counts &c = m_byReason.value(reason);
        out << reason.leftJustified(18) << QString::number(c.results).rightJustified(9)
            << percent(c.results, m_total.results).rightJustified(8) << QString::number(c.failed).rightJustified(9)
            << QString::number(c.delayed).rightJustified(9) << QString::number(c.hard).rightJustified(9) << '\n';
    }
    const QList<QString> order = byResults(m_byReceiver);
    out << "\n"
        << QStringLiteral("RECEIVER").leftJustified(30) << QStringLiteral("RESULTS").rightJustified(9)
        << QStringLiteral("FAILED").rightJustified(9) << QStringLiteral("HARD").rightJustified(9) << "  TOP REASONS\n";
    for (qsizetype i = 0; i < order.size() && i < receivers; ++i) {
        const QString &receiver = order.at(i);
        const Counts &c = m_byReceiver.value(receiver);
        const QHash<QString, qint64> &reasons = m_reasonsOfReceiver.value(receiver);
        QList<QString> top = reasons.keys();
        std::sort(top.begin(), top.end(), [&](const QString &a, const QString &b) {
            return reasons.value(a) != reasons.value(b) ? reasons.value(a) > reasons.value(b) : a < b;
        });
        QStringList words;
        for (qsizetype k = 0; k < top.size() && k < 3; ++k)
            words << QStringLiteral("%1 %2").arg(top.at(k)).arg(reasons.value(top.at(k)));
        QString name = receiver.size() > 29 ? receiver.left(28) + QStringLiteral("…") : receiver;
        out << name.leftJustified(30) << QString::number(c.results).rightJustified(9)
            << QString::number(c.failed).rightJustified(9) << QString::number(c.hard).rightJustified(9) << "  "
            << words.join(QStringLiteral(", ")) << '\n';
    }
    if (order.size() > receivers)
        out << "(" << order.size() - receivers << " more receivers)\n";
    out.flush();
}

} // namespace smtpscope::cli
