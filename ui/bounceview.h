#pragma once

#include "document.h"

#include "kb/knowledgebase.h"

#include <QWidget>

class QLabel;
class QLineEdit;
class QStandardItemModel;
class QSplitter;
class QTabWidget;
class QTextBrowser;
class QTreeView;

namespace smtpscope::ui {

class RecipientModel;
class RecipientProxy;

/// A bounce document: the per-recipient results (sortable, filterable), and for the selected message its
/// identity, delivery-status fields and MIME structure.
class BounceView : public QWidget
{
    Q_OBJECT
public:
    explicit BounceView(std::shared_ptr<const core::KnowledgeBase> kb, QWidget *parent = nullptr);

    void setDocument(DocumentPtr document);
    /// Shows the identity, fields and MIME tree of a message of the document.
    void showMessage(int message);
    int currentMessage() const { return m_message; }
    /// Selects a recipient by its row in the (unsorted) model.
    void selectRecipient(int sourceRow);
    /// The current recipient's row in the model, -1 when none.
    int currentRecipient() const;

    RecipientModel *model() const { return m_model; }
    RecipientProxy *proxy() const { return m_proxy; }
    QTreeView *recipientView() const { return m_view; }
    QLineEdit *filterField() const { return m_filter; }
    QTextBrowser *messageInfo() const { return m_info; }
    QTreeView *mimeView() const { return m_mimeView; }
    QStandardItemModel *mimeModel() const { return m_mime; }
    QSplitter *splitter() const { return m_splitter; }

Q_SIGNALS:
    /// The current recipient changed: its row in the model (-1: none).
    void recipientSelected(int sourceRow);

protected:
    void changeEvent(QEvent *event) override;

private:
    void updateCount();

    std::shared_ptr<const core::KnowledgeBase> m_kb;
    DocumentPtr m_document;
    int m_message = -1;
    RecipientModel *m_model;
    RecipientProxy *m_proxy;
    QLineEdit *m_filter;
    QLabel *m_count;
    QTreeView *m_view;
    QTabWidget *m_tabs;
    QTextBrowser *m_info;
    QTreeView *m_mimeView;
    QStandardItemModel *m_mime;
    QSplitter *m_splitter;
};

} // namespace smtpscope::ui
