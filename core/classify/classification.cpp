#include "classify/classification.h"

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

} // namespace smtpscope::core
