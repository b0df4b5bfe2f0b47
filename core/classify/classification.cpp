#include "classify/classification.h"

#include "kb/duration.h"
#include "kb/knowledgebase.h"

namespace smtpscope::core {

QString evidenceSourceName(EvidenceSource source)
{
    switch (source) {
    case EvidenceSource::ProviderRule:
        return QStringLiteral("provider-rule");
    case EvidenceSource::TextRule:
        return QStringLiteral("text-rule");
    case EvidenceSource::EnhancedCode:
        return QStringLiteral("enhanced-code");
    case EvidenceSource::ReplyCode:
        return QStringLiteral("reply-code");
    case EvidenceSource::None:
        return QStringLiteral("none");
    }
    return {};
}

bool isHardBounce(const QString &reason, int replyClass)
{
    if (reason == QLatin1String("userunknown") || reason == QLatin1String("hostunknown")
        || reason == QLatin1String("hasmoved"))
        return true;
    return reason == QLatin1String("notaccept") && replyClass == 5;
}

void applyRetryPolicy(Classification &c, const KnowledgeBase &kb)
{
    const RetryPolicy *policy = kb.retryPolicy(c.retryPolicy);
    if (!policy)
        return;
    c.retry = policy->retry;
    c.schedule.clear();
    for (qint64 seconds : policy->scheduleSeconds)
        c.schedule.append(formatDuration(seconds));
    c.giveUpAfter = policy->giveUpAfterSeconds ? formatDuration(policy->giveUpAfterSeconds) : QString();
}

} // namespace smtpscope::core
