#include "replytextmap.h"

namespace smtpscope::ui {

ReplyTextMap::ReplyTextMap(const core::Reply &reply)
{
    // Rebuild Reply::text() (lines joined by a space, then QString::simplified()) keeping each
    // character's origin.
    QString joined;
    QList<Origin> origins;
    const qsizetype count = std::min(reply.lines.size(), reply.textLines.size());
    for (qsizetype i = 0; i < reply.textLines.size(); ++i) {
        if (i > 0) {
            joined += QLatin1Char(' ');
            origins.append(Origin {});
        }
        const QString &text = reply.textLines.at(i);
        // The parser takes each line's text as the tail of the raw line, minus trailing blanks.
        const qsizetype base = i < count && !text.isEmpty() ? reply.lines.at(i).lastIndexOf(text) : -1;
        for (qsizetype k = 0; k < text.size(); ++k) {
            joined += text.at(k);
            origins.append(base < 0 ? Origin {} : Origin { int(i), base + k });
        }
    }

    QString folded;
    bool pendingSpace = false;
    Origin spaceOrigin;
    for (qsizetype i = 0; i < joined.size(); ++i) {
        const QChar c = joined.at(i);
        if (c.isSpace()) {
            if (!pendingSpace)
                spaceOrigin = origins.at(i);
            pendingSpace = !folded.isEmpty();
            continue;
        }
        if (pendingSpace) {
            folded += QLatin1Char(' ');
            m_origins.append(spaceOrigin);
            pendingSpace = false;
        }
        folded += c;
        m_origins.append(origins.at(i));
    }
    if (folded != reply.text())
        m_origins.clear();
}

QList<ReplyTextMap::Span> ReplyTextMap::spans(qsizetype start, qsizetype length) const
{
    QList<Span> out;
    if (start < 0 || length <= 0 || start + length > m_origins.size())
        return out;
    for (qsizetype i = start; i < start + length; ++i) {
        const Origin &o = m_origins.at(i);
        if (o.line < 0)
            continue;
        if (!out.isEmpty() && out.last().line == o.line && out.last().start + out.last().length == o.offset) {
            ++out.last().length;
            continue;
        }
        out.append({ o.line, o.offset, 1 });
    }
    return out;
}

} // namespace smtpscope::ui
