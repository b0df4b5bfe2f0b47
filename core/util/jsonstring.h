#pragma once

#include <QByteArray>
#include <QStringView>

namespace smtpscope::core {

/// Appends @p text to @p out as a quoted JSON string in UTF-8, with the escapes QJsonDocument uses
/// (\" \\ \b \f \n \r \t, other control characters as \u00XX). For writers that stream JSON without
/// building QJsonObjects.
void appendJsonString(QByteArray &out, QStringView text);

} // namespace smtpscope::core
