#include "bounce/parsedmessage.h"

namespace smtpscope::core {

QString ParsedMessage::header(QStringView name) const
{
    for (const auto &field : headers) {
        if (QStringView(field.first).compare(name, Qt::CaseInsensitive) == 0)
            return field.second;
    }
    return {};
}

} // namespace smtpscope::core
