#pragma once

#include "document.h"

#include "reply/replydecoder.h"

#include <QWidget>

class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSplitter;
class QStackedWidget;

namespace smtpscope::ui {

class BounceView;
class ConversationView;
class DecodingView;
class SourceView;

/// Shows one document: its conversation or recipients, the decoded reply of the selected step or recipient,
/// and its source, all three linked; or its loading progress, or why it could not be read.
class DocumentView : public QWidget
{
    Q_OBJECT
public:
    enum Page { LoadingPage, MessagePage, TranscriptPage, BouncePage };

    explicit DocumentView(std::shared_ptr<const core::KnowledgeBase> kb, QWidget *parent = nullptr);

    void setDocument(DocumentPtr document);
    DocumentPtr document() const { return m_document; }
    /// Shows the loading page: per mille read, or -1 while parsing.
    void showLoading(const QString &title, int permille);
    Page currentPage() const;
    /// Gives the find field the focus.
    void focusFind();
    /// Finds the find field's text in the source (wrapping), selecting the step or recipient there.
    bool findNext(bool backwards = false);

    ConversationView *conversation() const { return m_conversation; }
    BounceView *bounce() const { return m_bounce; }
    DecodingView *panel() const { return m_panel; }
    SourceView *source() const { return m_source; }
    QLabel *messageLabel() const { return m_message; }
    QLineEdit *findField() const { return m_find; }
    QProgressBar *progressBar() const { return m_progress; }
    QPushButton *stopButton() const { return m_stop; }
    QSplitter *horizontalSplitter() const { return m_hsplit; }
    QSplitter *verticalSplitter() const { return m_vsplit; }

Q_SIGNALS:
    void codeRequested(const QString &code);
    void stopRequested();

private:
    void onSessionChanged(int session);
    void onStepSelected(int row);
    void onRecipientSelected(int row);
    void onSourceLine(int line);
    void showSourceFor(int messageIndex);
    QList<int> recipientLines(int row) const;

    std::shared_ptr<const core::KnowledgeBase> m_kb;
    core::ReplyDecoder m_decoder;
    DocumentPtr m_document;
    QStackedWidget *m_pages;
    QLabel *m_loadingTitle;
    QProgressBar *m_progress;
    QPushButton *m_stop;
    QLabel *m_message;
    ConversationView *m_conversation;
    BounceView *m_bounce;
    DecodingView *m_panel;
    SourceView *m_source;
    QLineEdit *m_find;
    QLabel *m_findStatus;
    QSplitter *m_hsplit;
    QSplitter *m_vsplit;
    QWidget *m_sourceBox;
    int m_sourceMessage = -2; ///< the message whose source is shown (bounce folders)
    bool m_linking = false;
};

} // namespace smtpscope::ui
