#pragma once

#include "document.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QTreeView;

namespace smtpscope::ui {

class ConversationModel;
class SessionListModel;

/// A transcript as a conversation: a session selector when there are several, a summary of the session
/// (parties, TLS, capabilities, findings, recipients) and its steps in an item view.
class ConversationView : public QWidget
{
    Q_OBJECT
public:
    explicit ConversationView(QWidget *parent = nullptr);

    /// Shows the first session with a failure (else the first), its first failing step selected.
    void setDocument(DocumentPtr document);
    void setCurrentSession(int session);
    int currentSession() const { return m_session; }
    void selectStep(int row);
    int currentStep() const;

    ConversationModel *model() const { return m_model; }
    SessionListModel *sessionModel() const { return m_sessions; }
    QTreeView *stepView() const { return m_view; }
    QComboBox *sessionSelector() const { return m_selector; }
    QLabel *summaryLabel() const { return m_summary; }

Q_SIGNALS:
    void sessionChanged(int session);
    /// The current step changed (-1: none).
    void stepSelected(int row);

protected:
    void changeEvent(QEvent *event) override;

private:
    void updateSummary();

    DocumentPtr m_document;
    int m_session = -1;
    ConversationModel *m_model;
    SessionListModel *m_sessions;
    QComboBox *m_selector;
    QLabel *m_summary;
    QTreeView *m_view;
};

} // namespace smtpscope::ui
