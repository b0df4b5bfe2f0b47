#include "document.h"

#include "bounce/mboxreader.h"

#include <QRegularExpression>
#include <QSet>

#include <algorithm>

namespace smtpscope::ui {

QString Document::lines(int first, int last) const
{
    first = std::max(first, 1);
    last = std::min(last, lineCount());
    if (first > last)
        return {};
    const qint64 begin = lineStarts.at(first - 1);
    qint64 end = last < lineCount() ? lineStarts.at(last) : bytes.size();
    // Drop the final line end (LF, CRLF or CR).
    if (end > begin && bytes.at(end - 1) == '\n')
        --end;
    if (end > begin && bytes.at(end - 1) == '\r')
        --end;
    QString text = QString::fromUtf8(bytes.constData() + begin, end - begin);
    auto secret = std::lower_bound(secretLines.cbegin(), secretLines.cend(), first);
    if (secret == secretLines.cend() || *secret > last)
        return text;
    QStringList all = text.split(QLatin1Char('\n'));
    for (; secret != secretLines.cend() && *secret <= last; ++secret) {
        const qsizetype i = *secret - first;
        if (i >= 0 && i < all.size())
            all[i] = maskCredential(all.at(i));
    }
    return all.join(QLatin1Char('\n'));
}

QString maskCredential(const QString &line)
{
    // A reply line (334 challenge, 235 verdict) carries no credential.
    static const QRegularExpression reply(QStringLiteral("(^|[\\s:>])[2-5][0-9][0-9]([ -]|$)"));
    static const QRegularExpression token(QStringLiteral("([A-Za-z0-9+/]{6,}={0,2})\\s*$"));
    static const QSet<QString> mechanisms = { QStringLiteral("XOAUTH2"), QStringLiteral("OAUTHBEARER"),
        QStringLiteral("PLAIN"), QStringLiteral("LOGIN"), QStringLiteral("NTLM"), QStringLiteral("GSSAPI") };
    if (reply.match(line).hasMatch())
        return line;
    const QRegularExpressionMatch m = token.match(line);
    if (!m.hasMatch() || mechanisms.contains(m.captured(1).toUpper()))
        return line;
    return line.left(m.capturedStart(1)) + QStringLiteral("[redacted]");
}

int Document::lineAt(qint64 offset) const
{
    const auto it = std::upper_bound(lineStarts.cbegin(), lineStarts.cend(), offset);
    return int(std::max<qsizetype>(1, it - lineStarts.cbegin()));
}

QString Document::summary() const
{
    if (!cachedSummary.isEmpty())
        return cachedSummary;
    switch (kind) {
    case Kind::Transcript: {
        const qsizetype sessions = transcript.sessions.size();
        qsizetype steps = 0;
        for (const core::Session &s : transcript.sessions)
            steps += s.steps.size();
        return QStringLiteral("Transcript (%1): %2 %3, %4 steps")
            .arg(transcript.dialect)
            .arg(sessions)
            .arg(sessions == 1 ? QStringLiteral("session") : QStringLiteral("sessions"))
            .arg(steps);
    }
    case Kind::Bounce: {
        qsizetype recipients = 0;
        for (const BounceMessage &m : messages)
            recipients += m.report.results.size();
        if (messages.size() == 1 && recipients == 0)
            return QStringLiteral("Message: %1")
                .arg(messages.first().report.note.isEmpty() ? messages.first().report.kind
                                                            : messages.first().report.note);
        QString text = QStringLiteral("Bounce: %1 %2")
                           .arg(recipients)
                           .arg(recipients == 1 ? QStringLiteral("recipient") : QStringLiteral("recipients"));
        if (messages.size() > 1)
            text += QStringLiteral(" in %1 messages").arg(messages.size());
        return text;
    }
    case Kind::Unrecognised:
    case Kind::Error:
        return error;
    }
    return {};
}

QList<qint64> indexLines(const QByteArray &bytes)
{
    QList<qint64> starts;
    if (bytes.isEmpty())
        return starts;
    starts.reserve(bytes.size() / 60 + 1);
    starts.append(0);
    const char *data = bytes.constData();
    const qint64 size = bytes.size();
    for (qint64 i = 0; i < size; ++i) {
        const char c = data[i];
        if (c == '\n' || (c == '\r' && (i + 1 >= size || data[i + 1] != '\n'))) {
            if (i + 1 < size)
                starts.append(i + 1);
        }
    }
    return starts;
}

ContentKind sniffContent(const QByteArray &head)
{
    // Header fields every message (and no transcript dialect) starts with. Transcripts of the "S: 220" kind
    // look like header fields too, hence the need for known names.
    static const QSet<QByteArray> known = { "from", "to", "cc", "subject", "date", "message-id", "mime-version",
        "content-type", "received", "return-path", "delivered-to", "reply-to", "sender", "x-failed-recipients",
        "auto-submitted", "content-transfer-encoding", "dkim-signature", "arc-seal", "authentication-results",
        "x-original-to", "thread-topic", "references", "in-reply-to", "precedence", "list-id" };
    static const QRegularExpression field(QStringLiteral("^([A-Za-z0-9][A-Za-z0-9_-]*):"));
    int knownCount = 0;
    int lineNo = 0;
    bool contentType = false;
    qsizetype pos = 0;
    while (pos < head.size() && lineNo < 60) {
        qsizetype end = head.indexOf('\n', pos);
        if (end < 0)
            end = head.size();
        QByteArray line = head.mid(pos, end - pos);
        pos = end + 1;
        if (line.endsWith('\r'))
            line.chop(1);
        if (lineNo == 0 && core::MboxReader::isFromLine(line.constData(), line.size()))
            return ContentKind::Message; // an mbox
        ++lineNo;
        if (line.isEmpty()) {
            if (lineNo == 1)
                return ContentKind::Unknown;
            break; // end of the header block
        }
        if (line.at(0) == ' ' || line.at(0) == '\t')
            continue; // folded continuation
        const QRegularExpressionMatch m = field.match(QString::fromLatin1(line.left(80)));
        if (!m.hasMatch())
            return ContentKind::Unknown;
        const QByteArray name = m.captured(1).toLatin1().toLower();
        if (known.contains(name))
            ++knownCount;
        contentType = contentType || name == "content-type";
    }
    return knownCount >= 2 || (contentType && knownCount >= 1) ? ContentKind::Message : ContentKind::Unknown;
}

} // namespace smtpscope::ui
