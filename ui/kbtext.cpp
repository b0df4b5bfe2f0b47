#include "kbtext.h"

#include "kb/duration.h"

namespace smtpscope::ui {

using namespace smtpscope::core;

QString KbText::reason(const KnowledgeBase &kb, const QString &id)
{
    if (const ReasonEntry *e = kb.reason(id))
        return e->title + QStringLiteral(" (") + id + QLatin1Char(')');
    return id;
}

QString KbText::reasonDescription(const KnowledgeBase &kb, const QString &id)
{
    const ReasonEntry *e = kb.reason(id);
    return e ? e->description : QString();
}

QString KbText::action(const KnowledgeBase &kb, const QString &id)
{
    const ActionEntry *e = kb.action(id);
    return e ? e->title : id;
}

QString KbText::retry(const KnowledgeBase &kb, const QString &policyId)
{
    const RetryPolicy *policy = kb.retryPolicy(policyId);
    if (!policy)
        return policyId;
    QStringList schedule;
    for (qint64 seconds : policy->scheduleSeconds)
        schedule.append(formatDuration(seconds));
    return retry(schedule, policy->giveUpAfterSeconds ? formatDuration(policy->giveUpAfterSeconds) : QString());
}

QString KbText::retry(const QStringList &schedule, const QString &giveUpAfter)
{
    if (schedule.isEmpty())
        return QStringLiteral("Do not retry this message");
    QString text = QStringLiteral("Retry after ") + schedule.join(QStringLiteral(", "));
    if (!giveUpAfter.isEmpty())
        text += QStringLiteral("; give up after ") + giveUpAfter;
    return text;
}

QString KbText::replyClassTitle(int replyClass)
{
    switch (replyClass) {
    case 2:
        return QStringLiteral("Positive completion");
    case 3:
        return QStringLiteral("Positive intermediate");
    case 4:
        return QStringLiteral("Transient negative completion");
    case 5:
        return QStringLiteral("Permanent negative completion");
    default:
        return QStringLiteral("Unknown class");
    }
}

QString KbText::replyClassVerdict(int replyClass)
{
    switch (replyClass) {
    case 2:
        return QStringLiteral("Success");
    case 3:
        return QStringLiteral("Go on");
    case 4:
        return QStringLiteral("Temporary failure");
    case 5:
        return QStringLiteral("Permanent failure");
    default:
        return QStringLiteral("No reply code");
    }
}

QString KbText::hardOrSoft(bool hard)
{
    return hard ? QStringLiteral("Hard bounce") : QStringLiteral("Soft bounce");
}

} // namespace smtpscope::ui
