#pragma once

#include <QList>
#include <QPair>
#include <QRegularExpression>

#include <QString>
#include <QStringList>
#include <initializer_list>

namespace smtpscope::core::bounce {

using HeaderList = QList<QPair<QString, QString>>;

/// The value of the first header with this name (case-insensitive), or an empty string.
QString headerValue(const HeaderList &headers, QStringView name);
/// Every value of the headers with this name, in order.
QStringList headerValues(const HeaderList &headers, QStringView name);

/// Splits text into lines, accepting LF, CRLF and CR-only line ends.
QStringList splitLines(QStringView text);
/// The first lines of splitLines(@p text): up to and including the first blank line at index @p from or later
/// (all lines when there is none). Enough for parseHeaderBlock(), which stops at the first blank line.
QStringList splitLinesToBlank(QStringView text, qsizetype from = 0);
/// Reads a block of RFC 5322 header fields (unfolding continuation lines) up to the first blank line.
HeaderList parseHeaderBlock(const QStringList &lines, qsizetype first = 0);
/// The fields of parseHeaderBlock(splitLinesToBlank(@p text)) named one of @p names (ASCII, compared
/// case-insensitively), in order and with the same values, read without copying the other fields or the lines.
HeaderList parseHeaderFields(QStringView text, std::initializer_list<QLatin1StringView> names);

/// An e-mail address pattern for free text (local part with the usual specials, a dotted domain); the calling
/// thread's own copy (see BounceSignals).
const QRegularExpression &addressPattern();
/// The first address in @p text ("Name <a@b>", "<a@b>" or "a@b"), or an empty string.
QString firstAddress(QStringView text);
/// Every distinct address of a header value such as X-Failed-Recipients or To, in order.
QStringList addressList(QStringView text);

/// The value of a parameter of a structured header such as Content-Type ("report-type").
QString headerParameter(QStringView value, QStringView parameter);

} // namespace smtpscope::core::bounce
