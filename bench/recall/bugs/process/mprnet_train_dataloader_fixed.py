"""Fixed: the training runs in main() under the main guard."""
import torch
from torch.utils.data import DataLoader
from tqdm import tqdm

import losses
import utils
from data_RGB import get_training_data
from MPRNet import MPRNet


def main():
    model_restoration = MPRNet().cuda()
    optimizer = torch.optim.Adam(model_restoration.parameters(), lr=2e-4, betas=(0.9, 0.999), eps=1e-8)
    criterion_char = losses.CharbonnierLoss()

    train_dataset = get_training_data("./Datasets/train", {"patch_size": 256})
    train_loader = DataLoader(dataset=train_dataset, batch_size=16, shuffle=True, num_workers=16, drop_last=False, pin_memory=True)

    for epoch in range(1, 250 + 1):
        model_restoration.train()
        for i, data in enumerate(tqdm(train_loader), 0):
            target = data[0].cuda()
            input_ = data[1].cuda()
            restored = model_restoration(input_)
            loss = sum(criterion_char(torch.clamp(restored[j], 0, 1), target) for j in range(len(restored)))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        utils.save_checkpoint(model_restoration, epoch)


if __name__ == "__main__":
    main()
