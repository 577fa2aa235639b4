"""baseline: the tables of main on 2026-12-07

Revision ID: 0001_baseline
Revises: (none)
Create Date: 2026-12-07 18:27:05.445871
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0001_baseline'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('api_keys',
    sa.Column('key_id', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('salt', sa.String(length=64), nullable=False),
    sa.Column('secret_hash', sa.String(length=128), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('key_id')
    )
    op.create_table('catalogue_items',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=True),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('saved_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('saved_by', sa.String(length=200), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('catalogue_items', schema=None) as batch_op:
        batch_op.create_index('ix_catalogue_items_kind_name', ['kind', 'name', 'revision'], unique=False)

    op.create_table('import_lock',
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('holder', sa.Text(), nullable=False),
    sa.Column('host', sa.String(length=255), nullable=False),
    sa.Column('pid', sa.Integer(), nullable=False),
    sa.Column('acquired_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )
    op.create_table('party_aliases',
    sa.Column('old_id', sa.String(length=64), nullable=False),
    sa.Column('party_id', sa.String(length=64), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('old_id')
    )
    op.create_table('party_judgements',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('target', sa.String(length=255), nullable=False),
    sa.Column('source', sa.String(length=255), nullable=False),
    sa.Column('judgement', sa.String(length=16), nullable=False),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('user', sa.String(length=255), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('deleted_at', sa.String(length=32), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('party_judgements', schema=None) as batch_op:
        batch_op.create_index('ix_party_judgements_live', ['deleted_at'], unique=False)
        batch_op.create_index('ix_party_judgements_pair', ['target', 'source'], unique=False)

    op.create_table('party_runs',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('version_ids', sa.Text(), nullable=False),
    sa.Column('mode', sa.String(length=16), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('seconds', sa.Float(), nullable=True),
    sa.Column('cpu_seconds', sa.Float(), nullable=True),
    sa.Column('records', sa.Integer(), nullable=False),
    sa.Column('parties', sa.Integer(), nullable=False),
    sa.Column('counts', sa.JSON(), nullable=True),
    sa.Column('complete', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('party_runs', schema=None) as batch_op:
        batch_op.create_index('ix_party_runs_versions', ['version_ids'], unique=False)

    op.create_table('versions',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('source', sa.String(length=64), nullable=False),
    sa.Column('published', sa.Date(), nullable=True),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('filename', sa.Text(), nullable=True),
    sa.Column('file_hash', sa.String(length=64), nullable=True),
    sa.Column('entity_count', sa.Integer(), nullable=False),
    sa.Column('counts', sa.JSON(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_versions_source'), ['source'], unique=False)

    op.create_table('designations',
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('entity_id', sa.String(length=255), nullable=False),
    sa.Column('sanction_id', sa.String(length=255), nullable=False),
    sa.Column('regime', sa.String(length=16), nullable=False),
    sa.Column('authority', sa.Text(), nullable=True),
    sa.Column('program', sa.Text(), nullable=True),
    sa.Column('source_id', sa.String(length=128), nullable=True),
    sa.Column('listing_date', sa.String(length=32), nullable=True),
    sa.Column('end_date', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['version_id'], ['versions.id'], ondelete='CASCADE')
    )
    with op.batch_alter_table('designations', schema=None) as batch_op:
        batch_op.create_index('ix_designations_entity', ['entity_id'], unique=False)
        batch_op.create_index('ix_designations_version_entity', ['version_id', 'entity_id'], unique=False)

    op.create_table('entities',
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.String(length=255), nullable=False),
    sa.Column('schema', sa.String(length=64), nullable=False),
    sa.Column('caption', sa.Text(), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['version_id'], ['versions.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('version_id', 'id')
    )
    with op.batch_alter_table('entities', schema=None) as batch_op:
        batch_op.create_index('ix_entities_id', ['id'], unique=False)

    op.create_table('party_links',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('left_id', sa.String(length=255), nullable=False),
    sa.Column('right_id', sa.String(length=255), nullable=False),
    sa.Column('rule', sa.String(length=40), nullable=False),
    sa.Column('judgement', sa.String(length=16), nullable=False),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('applied', sa.Boolean(), nullable=False),
    sa.Column('left_group', sa.JSON(), nullable=True),
    sa.Column('right_group', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['run_id'], ['party_runs.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('party_links', schema=None) as batch_op:
        batch_op.create_index('ix_party_links_left', ['run_id', 'left_id'], unique=False)
        batch_op.create_index('ix_party_links_right', ['run_id', 'right_id'], unique=False)
        batch_op.create_index('ix_party_links_run', ['run_id', 'judgement'], unique=False)

    op.create_table('party_members',
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('record_id', sa.String(length=255), nullable=False),
    sa.Column('party_id', sa.String(length=64), nullable=False),
    sa.Column('digest', sa.String(length=40), nullable=True),
    sa.Column('block', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['run_id'], ['party_runs.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('run_id', 'record_id')
    )
    with op.batch_alter_table('party_members', schema=None) as batch_op:
        batch_op.create_index('ix_party_members_party', ['run_id', 'party_id'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('party_members', schema=None) as batch_op:
        batch_op.drop_index('ix_party_members_party')

    op.drop_table('party_members')
    with op.batch_alter_table('party_links', schema=None) as batch_op:
        batch_op.drop_index('ix_party_links_run')
        batch_op.drop_index('ix_party_links_right')
        batch_op.drop_index('ix_party_links_left')

    op.drop_table('party_links')
    with op.batch_alter_table('entities', schema=None) as batch_op:
        batch_op.drop_index('ix_entities_id')

    op.drop_table('entities')
    with op.batch_alter_table('designations', schema=None) as batch_op:
        batch_op.drop_index('ix_designations_version_entity')
        batch_op.drop_index('ix_designations_entity')

    op.drop_table('designations')
    with op.batch_alter_table('versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_versions_source'))

    op.drop_table('versions')
    with op.batch_alter_table('party_runs', schema=None) as batch_op:
        batch_op.drop_index('ix_party_runs_versions')

    op.drop_table('party_runs')
    with op.batch_alter_table('party_judgements', schema=None) as batch_op:
        batch_op.drop_index('ix_party_judgements_pair')
        batch_op.drop_index('ix_party_judgements_live')

    op.drop_table('party_judgements')
    op.drop_table('party_aliases')
    op.drop_table('import_lock')
    with op.batch_alter_table('catalogue_items', schema=None) as batch_op:
        batch_op.drop_index('ix_catalogue_items_kind_name')

    op.drop_table('catalogue_items')
    op.drop_table('api_keys')

