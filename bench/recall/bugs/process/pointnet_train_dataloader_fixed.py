"""Fixed: the training runs in main() under the main guard."""
import argparse

import torch
import torch.optim as optim
import torch.utils.data

from pointnet.dataset import ShapeNetDataset
from pointnet.model import PointNetCls


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--batchSize", type=int, default=32)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--nepoch", type=int, default=250)
    parser.add_argument("--dataset", type=str, required=True)
    opt = parser.parse_args()

    dataset = ShapeNetDataset(root=opt.dataset, classification=True, npoints=2500)
    dataloader = torch.utils.data.DataLoader(dataset, batch_size=opt.batchSize, shuffle=True, num_workers=int(opt.workers))

    classifier = PointNetCls(k=len(dataset.classes))
    optimizer = optim.Adam(classifier.parameters(), lr=0.001, betas=(0.9, 0.999))

    for epoch in range(opt.nepoch):
        for i, data in enumerate(dataloader, 0):
            points, target = data
            optimizer.zero_grad()
            pred, trans, trans_feat = classifier(points.transpose(2, 1))
            loss = torch.nn.functional.nll_loss(pred, target[:, 0])
            loss.backward()
            optimizer.step()


if __name__ == "__main__":
    main()
