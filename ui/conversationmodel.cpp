#include "conversationmodel.h"

#include <QLocale>

namespace smtpscope::ui {

using namespace smtpscope::core;

namespace {

int severityRank(Finding::Severity s)
{
    return int(s);
}

QString replyLine(const Reply &r)
{
    return r.text();
}

} // namespace

ConversationModel::ConversationModel(QObject *parent)
    : QAbstractTableModel(parent)
{ }

int ConversationModel::replyClass(const Reply &reply)
{
    if (reply.code)
        return reply.replyClass();
    return reply.status.isValid() ? reply.status.statusClass : 0;
}

QString ConversationModel::clientText(const Step &step)
{
    if (step.kind == Step::Kind::Data && step.verb.isEmpty()) {
        QString text = QStringLiteral("Message body");
        if (step.messageSize >= 0)
            text += QStringLiteral(" (%1)").arg(QLocale::system().formattedDataSize(step.messageSize));
        text += QStringLiteral(", collapsed");
        return text;
    }
    const QString command = step.command();
    if (step.kind == Step::Kind::Greeting && command.isEmpty())
        return {};
    if (!command.isEmpty())
        return command;
    return step.note;
}

void ConversationModel::setSession(const Session &session)
{
    beginResetModel();
    m_session = session;
    m_tls.clear();
    m_tls.reserve(session.steps.size());
    bool tls = session.tls.mode == TlsInfo::Mode::Implicit;
    m_firstFailure = -1;
    for (qsizetype i = 0; i < session.steps.size(); ++i) {
        const Step &s = session.steps.at(i);
        m_tls.append(tls);
        if (s.kind == Step::Kind::TlsStart && (!s.hasReply() || replyClass(s.reply) == 2))
            tls = true;
        const int c = replyClass(s.reply);
        if (m_firstFailure < 0 && (c == 4 || c == 5))
            m_firstFailure = int(i);
    }
    endResetModel();
}

const Step *ConversationModel::step(int row) const
{
    return row >= 0 && row < m_session.steps.size() ? &m_session.steps.at(row) : nullptr;
}

int ConversationModel::rowForLine(int line) const
{
    // Pipelined steps overlap; prefer the step that starts closest before the line.
    int best = -1;
    for (qsizetype i = 0; i < m_session.steps.size(); ++i) {
        const Step &s = m_session.steps.at(i);
        if (s.firstLine <= line && line <= s.lastLine
            && (best < 0 || s.firstLine >= m_session.steps.at(best).firstLine))
            best = int(i);
    }
    return best;
}

int ConversationModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_session.steps.size());
}

int ConversationModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ConversationModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Step &s = m_session.steps.at(index.row());
    const int cls = replyClass(s.reply);
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case StepColumn:
            return index.row() + 1;
        case ClientColumn:
            return clientText(s);
        case ServerColumn:
            return s.hasReply() ? s.reply.codeLabel() + QLatin1Char(' ') + replyLine(s.reply) : QString();
        case LinesColumn:
            return s.firstLine == s.lastLine ? QString::number(s.firstLine)
                                             : QStringLiteral("%1–%2").arg(s.firstLine).arg(s.lastLine);
        }
        return {};
    case SortRole:
        switch (index.column()) {
        case StepColumn:
            return index.row();
        case ClientColumn:
            return clientText(s);
        case ServerColumn:
            return s.reply.code;
        case LinesColumn:
            return s.firstLine;
        }
        return {};
    case Qt::ToolTipRole: {
        QStringList tip;
        tip.append(QStringLiteral("Step %1 · %2 · lines %3–%4")
                       .arg(index.row() + 1)
                       .arg(phaseName(s.phase))
                       .arg(s.firstLine)
                       .arg(s.lastLine));
        if (!s.timestamp.isEmpty())
            tip.append(s.timestamp);
        if (m_tls.value(index.row()))
            tip.append(QStringLiteral("🔒 Inside TLS"));
        if (s.pipelined)
            tip.append(QStringLiteral("Pipelined: sent before the previous reply arrived"));
        if (!s.note.isEmpty() && s.note != clientText(s))
            tip.append(s.note);
        if (s.hasReply())
            tip.append(s.reply.lines.join(QLatin1Char('\n')));
        for (const Finding &f : s.findings)
            tip.append(QStringLiteral("%1: %2").arg(findingSeverityName(f.severity), f.text));
        return tip.join(QLatin1Char('\n'));
    }
    case ReplyClassRole:
        return cls;
    case ReplyCodeRole:
        return s.hasReply() ? s.reply.codeLabel() : QString();
    case ReplyTextRole:
        return replyLine(s.reply);
    case TlsRole:
        return m_tls.value(index.row());
    case TlsBoundaryRole:
        return index.row() > 0 && m_tls.value(index.row()) && !m_tls.value(index.row() - 1);
    case FailingRole:
        return cls == 4 || cls == 5;
    case FirstFailureRole:
        return index.row() == m_firstFailure;
    case FindingSeverityRole: {
        int worst = -1;
        for (const Finding &f : s.findings)
            worst = std::max(worst, severityRank(f.severity));
        return worst;
    }
    case PipelinedRole:
        return s.pipelined;
    case EventRole:
        return s.verb.isEmpty() && s.kind != Step::Kind::Greeting;
    case FirstLineRole:
        return s.firstLine;
    case LastLineRole:
        return s.lastLine;
    default:
        return {};
    }
}

QVariant ConversationModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case StepColumn:
        return QStringLiteral("#");
    case ClientColumn:
        return QStringLiteral("Client");
    case ServerColumn:
        return QStringLiteral("Server reply");
    case LinesColumn:
        return QStringLiteral("Lines");
    }
    return {};
}

SessionListModel::SessionListModel(QObject *parent)
    : QAbstractListModel(parent)
{ }

void SessionListModel::setTranscript(const Transcript *transcript)
{
    beginResetModel();
    m_transcript = transcript;
    endResetModel();
}

int SessionListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() || !m_transcript ? 0 : int(m_transcript->sessions.size());
}

QVariant SessionListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Session &s = m_transcript->sessions.at(index.row());
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    QString failure;
    for (const Step &step : s.steps) {
        const int cls = ConversationModel::replyClass(step.reply);
        if (cls == 4 || cls == 5) {
            failure = QStringLiteral(", ") + step.reply.codeLabel();
            break;
        }
    }
    return QStringLiteral("Session %1: %2 → %3, %4 steps%5")
        .arg(index.row() + 1)
        .arg(s.client.isEmpty() ? QStringLiteral("?") : s.client)
        .arg(s.server.isEmpty() ? QStringLiteral("?") : s.server)
        .arg(s.steps.size())
        .arg(failure);
}

} // namespace smtpscope::ui
