#pragma once

#include "transcript/transcript.h"

#include <QAbstractTableModel>

namespace smtpscope::ui {

/// The steps of one session of a transcript, one row each: client command or event, server reply, source lines.
class ConversationModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { StepColumn, ClientColumn, ServerColumn, LinesColumn, ColumnCount };
    enum Role {
        SortRole = Qt::UserRole,
        ReplyClassRole, ///< 2..5, 0 without a reply
        ReplyCodeRole, ///< "550 5.1.1" (the code label)
        ReplyTextRole, ///< the reply text after the codes
        TlsRole, ///< bool: the step ran inside TLS
        TlsBoundaryRole, ///< bool: the first step inside TLS after a STARTTLS
        FailingRole, ///< bool: a 4xx or 5xx reply
        FirstFailureRole, ///< bool: the first failing step of the session
        FindingSeverityRole, ///< highest Finding::Severity as int, -1 without findings
        PipelinedRole, ///< bool
        EventRole, ///< bool: an event or the message body, not a command the client typed
        FirstLineRole,
        LastLineRole,
    };

    explicit ConversationModel(QObject *parent = nullptr);

    void setSession(const core::Session &session);
    const core::Session &session() const { return m_session; }
    const core::Step *step(int row) const;

    /// The step whose source lines hold @p line, -1 when none does.
    int rowForLine(int line) const;
    /// The first step with a 4xx/5xx reply, -1 when none.
    int firstFailingRow() const { return m_firstFailure; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    /// What the client column shows for a step ("EHLO relay.example", "Message body (12.3 KB)").
    static QString clientText(const core::Step &step);
    static int replyClass(const core::Reply &reply);

private:
    core::Session m_session;
    QList<bool> m_tls;
    int m_firstFailure = -1;
};

/// The sessions of a transcript for the session selector: "1  client → server, 9 steps, 550 5.1.1".
class SessionListModel : public QAbstractListModel
{
    Q_OBJECT
public:
    explicit SessionListModel(QObject *parent = nullptr);
    void setTranscript(const core::Transcript *transcript);
    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;

private:
    const core::Transcript *m_transcript = nullptr;
};

} // namespace smtpscope::ui
