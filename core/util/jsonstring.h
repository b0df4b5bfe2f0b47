#pragma once

#include <QByteArray>
#include <QStringView>

namespace smtpscope::core {

/// Appends @p text to @p out as a quoted JSON string in UTF-8, with the escapes QJsonDocument uses
/// (\" \\ \b \f \n \r \t, other control characters as \u00XX). For writers that stream JSON without
/// building QJsonObjects.
void appendJsonString(QByteArray &out, QStringView text);

/// The most bytes writeJsonString() writes for @p text: quotes, and six bytes ("\u00XX") per code unit.
constexpr qsizetype jsonStringBound(QStringView text)
{
    return 2 + 6 * text.size();
}

/// Writes @p text as appendJsonString() does to @p dst, which has room for jsonStringBound(text) bytes, and
/// returns the end of what it wrote: for writers that size their buffer once for a whole line.
char *writeJsonString(char *dst, QStringView text);

} // namespace smtpscope::core
