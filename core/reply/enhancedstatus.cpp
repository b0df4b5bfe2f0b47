#include "reply/enhancedstatus.h"

namespace smtpscope::core {

QString EnhancedStatus::toString() const
{
    if (!isValid())
        return {};
    return QString::number(statusClass) + QLatin1Char('.') + QString::number(subject) + QLatin1Char('.')
        + QString::number(detail);
}

QString EnhancedStatus::registryKey() const
{
    if (!isValid())
        return {};
    return QLatin1String("X.") + QString::number(subject) + QLatin1Char('.') + QString::number(detail);
}

EnhancedStatus EnhancedStatus::fromString(QStringView text)
{
    // RFC 3463: class "." 1*3digit "." 1*3digit, class being 2, 4 or 5.
    if (text.size() < 5 || text.size() > 9)
        return {};
    const QChar c = text.at(0);
    if (c != u'2' && c != u'4' && c != u'5')
        return {};
    if (text.at(1) != u'.')
        return {};
    int parts[2] = { 0, 0 };
    int part = 0;
    int digits = 0;
    for (qsizetype i = 2; i < text.size(); ++i) {
        const QChar ch = text.at(i);
        if (ch == u'.') {
            if (digits == 0 || part == 1)
                return {};
            ++part;
            digits = 0;
            continue;
        }
        if (!ch.isDigit() || ch.unicode() > 127 || ++digits > 3)
            return {};
        parts[part] = parts[part] * 10 + (ch.unicode() - u'0');
    }
    if (part != 1 || digits == 0)
        return {};
    return EnhancedStatus { c.unicode() - u'0', parts[0], parts[1] };
}

} // namespace smtpscope::core
