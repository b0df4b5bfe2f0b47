#pragma once

#include "reply/reply.h"

#include <QList>

namespace smtpscope::ui {

/// Maps offsets in Reply::text() (the folded text that rules match) back to the reply's raw lines,
/// so matched evidence can be highlighted where the user pasted it.
class ReplyTextMap
{
public:
    struct Span
    {
        int line = 0; ///< index into Reply::lines
        qsizetype start = 0; ///< offset in that raw line
        qsizetype length = 0;

        friend bool operator==(const Span &, const Span &) = default;
    };

    explicit ReplyTextMap(const core::Reply &reply);

    /// The pieces of the raw lines that make up text().mid(start, length); empty when unmappable.
    QList<Span> spans(qsizetype start, qsizetype length) const;

private:
    struct Origin
    {
        int line = -1;
        qsizetype offset = -1;
    };
    QList<Origin> m_origins; ///< one per character of Reply::text()
};

} // namespace smtpscope::ui
