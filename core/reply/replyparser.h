#pragma once

#include "reply/reply.h"

namespace smtpscope::core {

/// One line of a reply split into its parts ("550-5.7.26 text").
struct ReplyLine
{
    bool hasCode = false;
    int code = 0;
    bool continues = false; ///< "DDD-": more lines follow
    EnhancedStatus status;
    bool hashPrefixedStatus = false; ///< written "#5.1.0", a common deviation
    QString text;
};

/// ReplyLine with its text as a view into the line parsed (no string made).
struct ReplyLineView
{
    bool hasCode = false;
    int code = 0;
    bool continues = false;
    EnhancedStatus status;
    bool hashPrefixedStatus = false;
    QStringView text;
};

/// Result of parsing free text into replies.
struct ReplyParseResult
{
    QList<Reply> replies;
    QList<ReplyIssue> errors; ///< lines that could not be read as part of any reply
};

/// Reads SMTP replies as servers write them, tolerating the deviations seen in the wild.
class ReplyParser
{
public:
    /// Splits one line into code, separator, enhanced status and text.
    static ReplyLine parseLine(QStringView line);
    /// parseLine() with the text as a view into @p line: for callers that read many lines and keep only some
    /// texts (or share equal ones).
    static ReplyLineView parseLineView(QStringView line);

    /// Parses one or more replies; @p firstLine numbers the first line of @p text.
    static ReplyParseResult parse(QStringView text, int firstLine = 1);
};

} // namespace smtpscope::core
