#pragma once

#include "kb/knowledgebase.h"

#include <QWidget>

class QLabel;
class QLineEdit;
class QSplitter;
class QTreeView;

namespace smtpscope::ui {

class CodeReferenceDetail;
class CodeReferenceModel;
class CodeReferenceProxy;

/// "Code reference": search and browse every reply code, enhanced status code and rule, with the
/// selected entry explained in full.
class CodeReferenceView : public QWidget
{
    Q_OBJECT
public:
    explicit CodeReferenceView(std::shared_ptr<const core::KnowledgeBase> kb, QWidget *parent = nullptr);

    QLineEdit *searchField() const { return m_search; }
    QTreeView *treeView() const { return m_tree; }
    CodeReferenceModel *model() const { return m_model; }
    CodeReferenceProxy *proxy() const { return m_proxy; }
    CodeReferenceDetail *detail() const { return m_detail; }
    QSplitter *splitter() const { return m_splitter; }

    /// Sets the search field (and so the filter) and selects the first match.
    void setSearchText(const QString &text);
    /// Gives the search field the focus with its text selected.
    void focusSearch();

private:
    void applySearch();
    void updateSpans();
    void selectFirstLeaf();
    void showCurrent();

    CodeReferenceModel *m_model;
    CodeReferenceProxy *m_proxy;
    QLineEdit *m_search;
    QLabel *m_count;
    QTreeView *m_tree;
    CodeReferenceDetail *m_detail;
    QSplitter *m_splitter;
};

} // namespace smtpscope::ui
