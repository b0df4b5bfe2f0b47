#include "transcript/parsers/dialectparsers.h"
#include "transcript/parsers/parserutil.h"

namespace smtpscope::core::parsers {

namespace {

using Kind = ProtocolLine::Kind;
using Event = ProtocolLine::Event;

} // namespace

int JavaMailParser::score(const QList<SourceLine> &sample) const
{
    static const QRegularExpression debugSmtp(QStringLiteral("(^|\\s)DEBUG SMTP: "));
    static const QRegularExpression version(QStringLiteral("(^|\\s)DEBUG: (Jakarta|Java)Mail version"));
    const int n = countMatching(sample, debugSmtp, 30) + 10 * countMatching(sample, version, 1);
    return n == 0 ? 0 : std::min(95, 75 + n / 2);
}

QList<ProtocolLine> JavaMailParser::parse(const QList<SourceLine> &lines) const
{
    // WebSphere's SystemOut wraps the first physical line of a write in "... O ".
    static const QRegularExpression webSphere(QStringLiteral("^(?:\\[[^\\]]+\\] [0-9a-f]+ \\S+\\s+)?O "));
    static const QRegularExpression connecting(
        QStringLiteral("^trying to connect to host \"([^\"]+)\", port (\\d+), isSSL (true|false)"));
    static const QRegularExpression mechanism(QStringLiteral("^(?:AUTH|Using mechanism) (\\S+)"));
    static const QRegularExpression hiddenAuth(
        QStringLiteral("^AUTH (\\S+) (command trace suppressed|succeeded|failed)"));
    static const QRegularExpression exception(QStringLiteral(
        "^(?:Caused by: |Exception in thread \"[^\"]*\" )?(?:[a-z][\\w$]*\\.)+[A-Z][\\w$]*(?:Exception|Error)\\b|"
        "^[A-Z]\\w*Exception: "));
    static const QRegularExpression frame(
        QStringLiteral("^\\s+(at |\\.\\.\\. \\d+ more)|^;$|^\\s+nested exception is:"));
    QList<ProtocolLine> out;
    out.reserve(lines.size());
    DirectionTracker direction;
    int exceptionReply = 0; // an exception message quoting a multi-line reply: its lines follow bare
    bool inException = false;
    for (const SourceLine &src : lines) {
        QString t = src.text;
        const QRegularExpressionMatch ws = webSphere.match(t);
        if (ws.hasMatch())
            t = t.mid(ws.capturedLength());
        auto emit = [&](Kind kind, const QString &text) { return appendLine(out, kind, src, text); };
        if (exceptionReply) {
            const int code = replyCodeOf(t);
            emit(Kind::Noise, t);
            if (code != exceptionReply || t.size() <= 3 || t.at(3) != u'-')
                exceptionReply = 0;
            continue;
        }
        if (t.startsWith(u"DEBUG SMTP: ") || t.startsWith(u"DEBUG: ")) {
            const QString payload = t.mid(t.indexOf(u':') + 2);
            QRegularExpressionMatch m;
            if ((m = connecting.match(payload)).hasMatch()) {
                ProtocolLine *l = emit(Kind::Event, payload);
                l->event = Event::Connect;
                l->peer = m.captured(1) + QLatin1Char(':') + m.captured(2);
                l->implicitTls = m.captured(3) == u"true";
            } else if (payload.startsWith(u"connected to host")) {
                ProtocolLine *l = emit(Kind::Event, payload);
                l->event = Event::Connect;
                l->attach = true;
            } else if ((m = hiddenAuth.match(payload)).hasMatch()) {
                // JavaMail >= 1.6 hides the AUTH exchange; keep the fact that it happened.
                ProtocolLine *l = emit(Kind::Event, payload);
                l->event = Event::HiddenAuth;
                l->command = QStringLiteral("AUTH ") + m.captured(1);
                l->attach = m.captured(2) != u"command trace suppressed";
            } else {
                emit(Kind::Noise, t); // provider tables, "Found extension", address lists
            }
            inException = false;
            continue;
        }
        if (!direction.inData()) {
            const QString trimmed = t.trimmed();
            const QRegularExpressionMatch ex = exception.match(trimmed);
            if (ex.hasMatch()) {
                const qsizetype colon = trimmed.indexOf(QStringLiteral(": "), ex.capturedEnd() - 2);
                const QString message = colon < 0 ? QString() : trimmed.mid(colon + 2);
                const int code = replyCodeOf(message);
                if (code && message.size() > 3 && message.at(3) == u'-')
                    exceptionReply = code;
                inException = true;
                emit(Kind::Noise, t);
                continue;
            }
            if (inException && (frame.match(t).hasMatch() || t.trimmed().isEmpty())) {
                emit(Kind::Noise, t);
                continue;
            }
            inException = false;
        }
        if (src.wrapperOnly || (!direction.inData() && isBlankLine(src))) {
            emit(Kind::Noise, t);
            continue;
        }
        // Continuation lines of a wrapped write lose the WebSphere prefix but keep its indentation.
        if (!direction.inData() && !ws.hasMatch() && t.startsWith(u' ') && isReplyLine(t.trimmed()))
            t = t.trimmed();
        // Wrapped continuation lines of a reply lose the WebSphere prefix but keep their code.
        emit(kindByDirection(direction, t), t);
    }
    return out;
}

} // namespace smtpscope::core::parsers
